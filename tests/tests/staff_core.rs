//! An admin sets a staff member's triage pools through the desktop app's logic (`DesktopCore`,
//! no window) against a real portal-server: the staff are listed with their pools, a change is
//! stored and answered, removing every pool is refused in words, and nobody but an admin may
//! do either.

use portal_api::{ErrorCode, Pool, StaffMember};
use portal_desktop::error::CommandError;
use portal_server::demo::{self, DemoAccount};
use portal_tests::{signed_in_app, TestServer, PATIENT};

const PHYSICIAN: DemoAccount = demo::ACCOUNTS[0];
const FRONT_DESK: DemoAccount = demo::ACCOUNTS[1];
const NURSE: DemoAccount = demo::ACCOUNTS[4];
const ADMIN: DemoAccount = demo::ACCOUNTS[5];

fn member(staff: &[StaffMember], account: DemoAccount) -> &StaffMember {
    staff
        .iter()
        .find(|m| m.email == account.email)
        .unwrap_or_else(|| panic!("{} is listed", account.email))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_lists_the_staff_and_sets_the_nurses_pools() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let admin = signed_in_app(&server, ADMIN, folder.path()).await;

    let staff = admin.list_staff().await.expect("the staff");
    assert_eq!(staff.len(), 2, "staff only: {staff:?}");
    assert_eq!(member(&staff, NURSE).name, NURSE.name);
    assert_eq!(member(&staff, NURSE).pools, vec![Pool::Clinical]);
    assert_eq!(member(&staff, FRONT_DESK).pools, vec![Pool::FrontDesk, Pool::Billing]);

    let nurse_id = member(&staff, NURSE).id;
    let saved = admin
        .set_staff_pools(nurse_id, vec![Pool::FrontDesk, Pool::Clinical])
        .await
        .expect("pools set");
    assert_eq!(saved.id, nurse_id);
    assert_eq!(
        saved.pools,
        vec![Pool::Clinical, Pool::FrontDesk],
        "as stored, in order"
    );
    let again = admin.list_staff().await.expect("the staff");
    assert_eq!(member(&again, NURSE).pools, vec![Pool::Clinical, Pool::FrontDesk]);

    // The nurse's next session has the new pools.
    let nurse = signed_in_app(&server, NURSE, folder.path()).await;
    let session = nurse.current_session().await.expect("session").expect("signed in");
    assert_eq!(session.user.pools, vec![Pool::Clinical, Pool::FrontDesk]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_every_pool_is_refused_in_words_and_changes_nothing() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let admin = signed_in_app(&server, ADMIN, folder.path()).await;
    let nurse_id = member(&admin.list_staff().await.expect("staff"), NURSE).id;

    let refused = admin
        .set_staff_pools(nurse_id, vec![])
        .await
        .expect_err("a staff member keeps a pool");
    assert_eq!(refused.code(), ErrorCode::Validation.as_str());
    let message = refused.to_string();
    assert!(message.contains("needs at least one team"), "{message}");
    let unknown = admin
        .set_staff_pools(999_999, vec![Pool::Clinical])
        .await
        .expect_err("no such staff member");
    assert_eq!(unknown.code(), ErrorCode::NotFound.as_str());
    assert_eq!(
        member(&admin.list_staff().await.expect("staff"), NURSE).pools,
        vec![Pool::Clinical],
        "unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patients_physicians_and_staff_may_not_see_or_set_pools() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("tempdir");
    for account in [PATIENT, PHYSICIAN, FRONT_DESK] {
        let core = signed_in_app(&server, account, folder.path()).await;
        let listed = core.list_staff().await.expect_err("admins only");
        assert_forbidden(&listed, account);
        let set = core
            .set_staff_pools(1, vec![Pool::Clinical])
            .await
            .expect_err("admins only");
        assert_forbidden(&set, account);
    }
}

fn assert_forbidden(error: &CommandError, account: DemoAccount) {
    assert_eq!(
        error.code(),
        ErrorCode::Forbidden.as_str(),
        "{}: {error}",
        account.email
    );
}
