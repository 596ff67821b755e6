//! The operator's command line, run as a real process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn portal_server(data_dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal-server"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("PORTAL_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run portal-server");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn demo_twice_changes_nothing_and_prints_the_accounts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = portal_server(dir.path(), &["demo"], None);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("6 account(s) created, policy version 1 published"),
        "{}",
        text(&first)
    );
    assert!(text(&first).contains("blair.conroy@example.com"));
    assert!(text(&first).contains("admin@dskc.example"), "the demo admin is listed");
    let second = portal_server(dir.path(), &["demo"], None);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("0 account(s) created, policy version 1 unchanged"),
        "{}",
        text(&second)
    );
}

#[test]
fn demo_with_charts_loads_and_links_the_demo_patients_charts_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let charts = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-charts");
    let first = portal_server(dir.path(), &["demo", "--charts", charts], None);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("2 demo chart(s) loaded and linked to the demo patients."),
        "{}",
        text(&first)
    );
    let again = portal_server(dir.path(), &["demo", "--charts", charts], None);
    assert!(again.status.success(), "{}", text(&again));
    // Each chart is linked to its patient: linking it to the other one is refused.
    let relink = portal_server(
        dir.path(),
        &[
            "records",
            "link",
            "--patient",
            "fa470b46-b649-4f03-a9e5-c2e3f483524c",
            "--email",
            "claudie.walsh@example.com",
        ],
        None,
    );
    assert!(!relink.status.success(), "{}", text(&relink));
    let missing = portal_server(dir.path(), &["demo", "--charts", "/nonexistent"], None);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("cannot read the demo chart"),
        "{}",
        text(&missing)
    );
}

#[test]
fn user_add_reads_the_pass_phrase_from_stdin_and_checks_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let add = |email: &str, role: &str, phrase: &str| {
        portal_server(
            dir.path(),
            &["user", "add", "--email", email, "--role", role, "--name", "Pat Lee"],
            Some(phrase),
        )
    };
    let weak = add("pat@dskc.example", "admin", "password\n");
    assert!(!weak.status.success());
    assert!(text(&weak).contains("at least 15 characters"), "{}", text(&weak));
    let breached = add("pat@dskc.example", "admin", "passwordpassword\n");
    assert!(!breached.status.success());
    assert!(text(&breached).contains("commonly used"), "{}", text(&breached));
    // Everyone but the first admin is invited, and picks their own pass-phrase.
    let staff = add("kim@dskc.example", "staff", "marble comet under the bridge\n");
    assert!(!staff.status.success());
    assert!(
        text(&staff).contains(
            "only the first admin is added with a pass-phrase; invite a staff instead (portal-server user invite)"
        ),
        "{}",
        text(&staff)
    );
    let ok = add("Pat@DSKC.example", "admin", "marble comet under the bridge\n");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("Added admin account"), "{}", text(&ok));
    let again = add("lee@dskc.example", "admin", "another good long pass-phrase\n");
    assert!(!again.status.success());
    assert!(
        text(&again).contains("has an admin account already"),
        "{}",
        text(&again)
    );
    let bad_role = add("x@y.example", "doctor", "a b c\n");
    assert!(!bad_role.status.success());
    assert!(text(&bad_role).contains("unknown role"), "{}", text(&bad_role));
}

#[test]
fn policy_publish_adds_a_version_only_when_the_text_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("policy.md");
    std::fs::write(&file, "# Our Policy\n\nNever for emergencies: call 911.\n").expect("write");
    let path = file.to_str().expect("utf-8 path");
    let spanish = dir.path().join("politica.md");
    std::fs::write(
        &spanish,
        "# Nuestra política\n\nNunca para emergencias: llame al 911.\n",
    )
    .expect("write");
    let spanish = spanish.to_str().expect("utf-8 path");
    let early = portal_server(dir.path(), &["policy", "publish", spanish, "--lang", "es"], None);
    assert!(!early.status.success());
    assert!(
        text(&early).contains("publish its English text first"),
        "{}",
        text(&early)
    );
    let out = portal_server(dir.path(), &["policy", "publish", path], None);
    assert!(text(&out).contains("Published policy version 1"), "{}", text(&out));
    let out = portal_server(dir.path(), &["policy", "publish", spanish, "--lang", "es"], None);
    assert!(
        text(&out).contains("Published the Spanish text of policy version 1"),
        "{}",
        text(&out)
    );
    let out = portal_server(dir.path(), &["policy", "publish", spanish, "--lang", "es"], None);
    assert!(
        text(&out).contains("nothing was published"),
        "the same Spanish text again: {}",
        text(&out)
    );
    std::fs::write(
        dir.path().join("politica.md"),
        "# Nuestra política\n\nNunca para emergencias: llame al 911. Revisada.\n",
    )
    .expect("write");
    let out = portal_server(dir.path(), &["policy", "publish", spanish, "--lang", "es"], None);
    assert!(
        text(&out).contains("Published the Spanish text of policy version 1"),
        "a changed Spanish text replaces the earlier one: {}",
        text(&out)
    );
    let out = portal_server(dir.path(), &["policy", "publish", spanish, "--lang", "fr"], None);
    assert!(
        text(&out).contains("unknown language \"fr\": en or es"),
        "{}",
        text(&out)
    );
    let out = portal_server(dir.path(), &["policy", "publish", path], None);
    assert!(text(&out).contains("nothing was published"), "{}", text(&out));
    std::fs::write(&file, "# Our Policy\n\nRevised.\n").expect("write");
    let out = portal_server(dir.path(), &["policy", "publish", path], None);
    assert!(text(&out).contains("Published policy version 2"), "{}", text(&out));
    let missing = portal_server(dir.path(), &["policy", "publish", "/no/such/file.md"], None);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("cannot read /no/such/file.md"),
        "{}",
        text(&missing)
    );
}

#[test]
fn migrate_and_bad_database_urls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = portal_server(dir.path(), &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.path().join("portal.db").exists());
    let bad = portal_server(dir.path(), &["--database-url", "mysql://x", "migrate"], None);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("unsupported database URL"), "{}", text(&bad));
}

#[test]
fn a_second_service_on_the_same_sqlite_file_is_refused_with_a_clear_message() {
    let parent = tempfile::tempdir().expect("tempdir");
    // A data folder that does not exist yet, as on a first start.
    let data = parent.path().join("data");
    let dir = &data;
    let mut first = Command::new(env!("CARGO_BIN_EXE_portal-server"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("PORTAL_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the first service");
    // The certificate is made after the lock is taken: once it is there, the first holds it.
    let ca = dir.join("tls/ca.pem");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !ca.is_file() {
        assert!(std::time::Instant::now() < deadline, "the first service did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let second = portal_server(dir, &["serve", "--listen", "127.0.0.1:0"], None);
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let out = text(&second);
    assert!(
        out.contains("another portal service is already serving") && out.contains("portal.db"),
        "{out}"
    );
    // The CLI still works beside a service, and a service starts again once the first is gone.
    let demo = portal_server(dir, &["demo"], None);
    assert!(demo.status.success(), "{}", text(&demo));
}

#[test]
fn user_unlock_says_whether_there_was_a_lock_and_refuses_a_bad_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(portal_server(dir.path(), &["demo"], None).status.success());
    let unlock = portal_server(
        dir.path(),
        &["user", "unlock", "--email", "Blair.Conroy@example.com"],
        None,
    );
    assert!(unlock.status.success(), "{}", text(&unlock));
    assert!(
        text(&unlock).contains("blair.conroy@example.com was not locked."),
        "{}",
        text(&unlock)
    );
    let bad = portal_server(dir.path(), &["user", "unlock", "--email", "not an address"], None);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("is not a valid email address"), "{}", text(&bad));
}

#[test]
fn staff_accounts_need_their_pools_and_an_admin_can_change_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let add = |role: &str, pools: &str| {
        portal_server(
            dir.path(),
            &[
                "user",
                "invite",
                "--email",
                "kim@dskc.example",
                "--role",
                role,
                "--name",
                "Kim Park",
                "--pools",
                pools,
            ],
            None,
        )
    };
    let none = add("staff", "");
    assert!(!none.status.success());
    assert!(
        text(&none).contains("needs at least one team") && text(&none).contains("--pools clinical,front_desk,billing"),
        "{}",
        text(&none)
    );
    let wrong = add("staff", "clinical,nursing");
    assert!(text(&wrong).contains("\"nursing\" is not a pool"), "{}", text(&wrong));
    let physician = add("physician", "clinical");
    assert!(
        text(&physician).contains("Only staff accounts have triage pools"),
        "{}",
        text(&physician)
    );
    assert!(add("staff", "billing").status.success());
    assert!(portal_server(dir.path(), &["demo"], None).status.success());
    let changed = portal_server(
        dir.path(),
        &[
            "user",
            "pools",
            "--email",
            "frontdesk@dskc.example",
            "--pools",
            "billing,front_desk",
        ],
        None,
    );
    assert!(changed.status.success(), "{}", text(&changed));
    assert!(
        text(&changed).contains("frontdesk@dskc.example now works in: front_desk, billing."),
        "{}",
        text(&changed)
    );
    let not_staff = portal_server(
        dir.path(),
        &["user", "pools", "--email", "nobody@dskc.example", "--pools", "billing"],
        None,
    );
    assert!(!not_staff.status.success());
    assert!(
        text(&not_staff).contains("is not a staff account"),
        "{}",
        text(&not_staff)
    );
}

#[test]
fn records_import_prints_each_chart_and_again_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = crate::helpers::fhir_samples();
    let args = |files: &[std::path::PathBuf]| {
        let mut args = vec!["records".to_owned(), "import".to_owned()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args
    };
    let first_args = args(&files[..2]);
    let first = portal_server(
        dir.path(),
        &first_args.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
    );
    let out = text(&first);
    assert!(first.status.success(), "{out}");
    assert!(out.contains("bundle 1 of 2: chart 1 (new), Patient fa470b46-b649-4f03-a9e5-c2e3f483524c: 143 resources (AllergyIntolerance 4, CarePlan 4, Claim 15,"), "{out}");
    assert!(out.contains("143 stored, 0 unchanged, 0 replaced in "), "{out}");
    assert!(
        out.contains("bundle 2 of 2: chart 2 (new), Patient 64f4649d-8d2e-40ae-811d-7316accdf5ee: 156 resources"),
        "{out}"
    );
    assert!(
        !out.contains("Blair") && !out.contains("Conroy"),
        "no names, no file names: {out}"
    );

    let again = portal_server(
        dir.path(),
        &first_args.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("bundle 1 of 2: chart 1, Patient fa470b46"),
        "{}",
        text(&again)
    );
    assert!(
        text(&again).contains("0 stored, 143 unchanged, 0 replaced"),
        "{}",
        text(&again)
    );

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "id": "x", "gender": 7}}]}"#).unwrap();
    let refused = portal_server(
        dir.path(),
        &[
            "records",
            "import",
            &broken.display().to_string(),
            &files[2].display().to_string(),
        ],
        None,
    );
    let out = text(&refused);
    assert!(!refused.status.success(), "{out}");
    assert!(out.contains("bundle 1 of 2: the bundle was refused, nothing of it was stored: entry[0] (Patient), field resource.gender:"), "{out}");
    assert!(
        out.contains("bundle 2 of 2: chart 3 (new)"),
        "the next bundle is still imported: {out}"
    );
    assert!(out.contains("1 of 2 bundle(s) not imported"), "{out}");
}

#[test]
fn a_chart_is_linked_by_chart_id_fhir_id_or_mrn() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = crate::helpers::fhir_samples();
    for file in &files[..3] {
        let import = portal_server(dir.path(), &["records", "import", &file.display().to_string()], None);
        assert!(import.status.success(), "{}", text(&import));
    }
    let demo = portal_server(dir.path(), &["demo"], None);
    assert!(demo.status.success(), "{}", text(&demo));

    // Chart 1 by its id and by its Patient's FHIR id, chart 2 by its MRN (Synthea's own id of
    // the patient).
    let link = |patient: &str, email: &str| {
        portal_server(
            dir.path(),
            &["records", "link", "--patient", patient, "--email", email],
            None,
        )
    };
    let by_id = link("1", "blair.conroy@example.com");
    assert!(by_id.status.success(), "{}", text(&by_id));
    assert!(
        text(&by_id).contains("Linked chart 1 to blair.conroy@example.com."),
        "{}",
        text(&by_id)
    );
    let by_fhir_id = link("fa470b46-b649-4f03-a9e5-c2e3f483524c", "blair.conroy@example.com");
    assert!(
        text(&by_fhir_id).contains("Linked chart 1 to blair.conroy@example.com."),
        "{}",
        text(&by_fhir_id)
    );
    let unknown = link("no-such-patient", "blair.conroy@example.com");
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("no chart answers to that id"),
        "{}",
        text(&unknown)
    );
    let nobody = link("1", "nobody@example.com");
    assert!(
        text(&nobody).contains("no account with that email address"),
        "{}",
        text(&nobody)
    );
}

#[test]
fn the_release_rule_is_shown_and_set_and_a_bad_delay_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rule = |args: &[&str]| {
        let mut all = vec!["records", "release-rule"];
        all.extend_from_slice(args);
        portal_server(dir.path(), &all, None)
    };
    let shown = rule(&[]);
    assert!(shown.status.success(), "{}", text(&shown));
    assert_eq!(
        text(&shown).trim(),
        "Test results are released to patients as soon as they arrive."
    );
    let set = rule(&["--after-days", "3"]);
    assert!(set.status.success(), "{}", text(&set));
    assert!(text(&set).contains("3 days after they arrive, or once a physician has reviewed them."));
    assert!(text(&rule(&[])).contains("3 days after they arrive"), "kept");
    let review = rule(&["--after-review"]);
    let after_review = "Test results are released to patients once a physician has reviewed them.";
    assert_eq!(text(&review).trim(), after_review);
    assert_eq!(text(&rule(&[])).trim(), after_review, "kept");
    for bad in [
        &["--after-days", "0"][..],
        &["--after-days", "400"],
        &["--after-days", "-1"],
    ] {
        let refused = rule(bad);
        assert!(!refused.status.success(), "{bad:?}");
        assert!(!text(&refused).is_empty());
    }
    let both = rule(&["--at-once", "--after-review"]);
    assert!(!both.status.success(), "two rules at once are refused");
    assert_eq!(text(&rule(&[])).trim(), after_review, "unchanged");
    let at_once = rule(&["--at-once"]);
    assert_eq!(
        text(&at_once).trim(),
        "Test results are released to patients as soon as they arrive."
    );
}

#[test]
fn user_disable_and_enable_turn_an_account_off_and_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = portal_server(dir.path(), &["demo"], None);
    assert!(demo.status.success(), "{}", text(&demo));
    let user = |verb: &str, email: &str| portal_server(dir.path(), &["user", verb, "--email", email], None);
    let off = user("disable", "blair.conroy@example.com");
    assert!(off.status.success(), "{}", text(&off));
    assert!(
        text(&off).contains("blair.conroy@example.com is turned off"),
        "{}",
        text(&off)
    );
    let on = user("enable", "blair.conroy@example.com");
    assert!(on.status.success(), "{}", text(&on));
    assert!(text(&on).contains("may sign in again"), "{}", text(&on));
    let nobody = user("disable", "nobody@example.com");
    assert!(!nobody.status.success());
    assert!(
        text(&nobody).contains("no account with the email address"),
        "{}",
        text(&nobody)
    );
    let bad = user("disable", "not an address");
    assert!(!bad.status.success());
}

#[test]
fn serve_refuses_a_relay_it_could_not_use_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let serve = |extra: &[&str]| {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        portal_server(dir.path(), &args, None)
    };
    let plain = serve(&[
        "--smtp-url",
        "http://relay.example",
        "--mail-from",
        "portal@practice.example",
    ]);
    assert!(!plain.status.success());
    assert!(
        text(&plain).contains("must start with smtp:// (STARTTLS) or smtps://"),
        "{}",
        text(&plain)
    );

    let no_sender = serve(&["--smtp-url", "smtp://relay.example"]);
    assert!(!no_sender.status.success());
    assert!(text(&no_sender).contains("--mail-from"), "{}", text(&no_sender));

    let bad_sender = serve(&["--smtp-url", "smtp://relay.example", "--mail-from", "the practice"]);
    assert!(!bad_sender.status.success());
    assert!(
        text(&bad_sender).contains("--mail-from is not an address"),
        "{}",
        text(&bad_sender)
    );

    let missing_ca = dir.path().join("relay-ca.pem");
    let no_ca = serve(&[
        "--smtp-url",
        "smtps://relay.example",
        "--mail-from",
        "Practice <portal@practice.example>",
        "--smtp-ca-file",
        missing_ca.to_str().expect("path"),
    ]);
    assert!(!no_ca.status.success());
    assert!(
        text(&no_ca).contains("cannot read the relay's CA file"),
        "{}",
        text(&no_ca)
    );
}

#[test]
fn invitations_are_queued_for_the_service_to_send() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = &crate::helpers::fhir_samples()[0];
    let import = portal_server(dir.path(), &["records", "import", &file.display().to_string()], None);
    assert!(import.status.success(), "{}", text(&import));
    let run = |args: &[&str]| portal_server(dir.path(), args, None);

    let patient = run(&[
        "patient",
        "invite",
        "--patient",
        "1",
        "--email",
        "Pat@Example.org",
        "--language",
        "es",
    ]);
    assert!(patient.status.success(), "{}", text(&patient));
    assert!(
        text(&patient)
            .contains("Invitation queued for pat@example.org: the running service emails the activation code"),
        "{}",
        text(&patient)
    );
    let unknown = run(&[
        "patient",
        "invite",
        "--patient",
        "no-such-chart",
        "--email",
        "x@example.org",
    ]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("no chart answers to that id"),
        "{}",
        text(&unknown)
    );
    let french = run(&[
        "patient",
        "invite",
        "--patient",
        "1",
        "--email",
        "x@example.org",
        "--language",
        "fr",
    ]);
    assert!(!french.status.success());
    assert!(
        text(&french).contains("unknown language \"fr\": en or es"),
        "{}",
        text(&french)
    );

    let nurse = run(&[
        "user",
        "invite",
        "--email",
        "kim@dskc.example",
        "--role",
        "staff",
        "--name",
        "Kim Park",
        "--pools",
        "clinical",
    ]);
    assert!(nurse.status.success(), "{}", text(&nurse));
    assert!(
        text(&nurse).contains("Invitation queued for kim@dskc.example"),
        "{}",
        text(&nurse)
    );
    let no_pools = run(&[
        "user",
        "invite",
        "--email",
        "lee@dskc.example",
        "--role",
        "staff",
        "--name",
        "Lee Park",
    ]);
    assert!(!no_pools.status.success(), "{}", text(&no_pools));
    let a_patient = run(&[
        "user",
        "invite",
        "--email",
        "p@example.org",
        "--role",
        "patient",
        "--name",
        "P Q",
    ]);
    assert!(!a_patient.status.success());
    assert!(
        text(&a_patient).contains("patients are invited by their chart"),
        "{}",
        text(&a_patient)
    );

    // Queued, with nothing of the code in the clear.
    let db = dir.path().join("portal.db");
    let conn = format!("sqlite://{}", db.display());
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    sqlx::any::install_default_drivers();
    let (queued, codes): (i64, i64) = rt.block_on(async {
        let pool = sqlx::any::AnyPoolOptions::new().connect(&conn).await.expect("open");
        let queued = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'activation_code'")
            .fetch_one(&pool)
            .await
            .expect("count");
        let codes =
            sqlx::query_scalar("SELECT COUNT(*) FROM account_codes WHERE purpose = 'activation' AND used_at IS NULL")
                .fetch_one(&pool)
                .await
                .expect("count");
        (queued, codes)
    });
    assert_eq!((queued, codes), (2, 2));
}
