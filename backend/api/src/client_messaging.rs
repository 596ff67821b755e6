//! [`PortalClient`] calls for secure messaging, triage and attachments.

use std::sync::Arc;

use reqwest::{header, Method};

use crate::client::{send, transport_error, ClientError, PortalClient, SessionToken};
use crate::messaging::*;

/// Upload progress: bytes handed to the connection so far, and the total.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Size of the pieces an upload is streamed in (progress is reported per piece).
const UPLOAD_CHUNK: usize = 64 * 1024;

impl PortalClient {
    pub async fn threads(&self, token: &SessionToken, query: &ThreadQuery) -> Result<ThreadList, ClientError> {
        send(self.authed(Method::GET, "/threads", token).query(query)).await
    }

    /// [`threads`](Self::threads) for a refresh the person did not ask for (a timer): the
    /// server does not count it as activity (see [`BACKGROUND_HEADER`]).
    pub async fn threads_in_background(
        &self,
        token: &SessionToken,
        query: &ThreadQuery,
    ) -> Result<ThreadList, ClientError> {
        send(
            self.authed(Method::GET, "/threads", token)
                .header(BACKGROUND_HEADER, "1")
                .query(query),
        )
        .await
    }

    pub async fn thread(&self, token: &SessionToken, thread_id: i64) -> Result<ThreadDetail, ClientError> {
        send(self.authed(Method::GET, &format!("/threads/{thread_id}"), token)).await
    }

    /// Starts a thread. Reuse `idempotency_key` when retrying the same message.
    pub async fn create_thread(
        &self,
        token: &SessionToken,
        idempotency_key: &str,
        body: &NewThread,
    ) -> Result<SendReceipt, ClientError> {
        send(
            self.authed(Method::POST, "/threads", token)
                .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
                .json(body),
        )
        .await
    }

    /// Replies in a thread. Reuse `idempotency_key` when retrying the same message.
    pub async fn reply(
        &self,
        token: &SessionToken,
        thread_id: i64,
        idempotency_key: &str,
        body: &NewMessage,
    ) -> Result<SendReceipt, ClientError> {
        send(
            self.authed(Method::POST, &format!("/threads/{thread_id}/messages"), token)
                .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
                .json(body),
        )
        .await
    }

    pub async fn mark_read(&self, token: &SessionToken, thread_id: i64) -> Result<ReadReceipt, ClientError> {
        send(self.authed(Method::POST, &format!("/threads/{thread_id}/read"), token)).await
    }

    pub async fn assign(
        &self,
        token: &SessionToken,
        thread_id: i64,
        user_id: Option<i64>,
    ) -> Result<ThreadSummary, ClientError> {
        self.post_json(
            &format!("/threads/{thread_id}/assign"),
            token,
            &AssignRequest { user_id },
        )
        .await
    }

    pub async fn close_thread(&self, token: &SessionToken, thread_id: i64) -> Result<ThreadSummary, ClientError> {
        send(self.authed(Method::POST, &format!("/threads/{thread_id}/close"), token)).await
    }

    pub async fn reopen_thread(&self, token: &SessionToken, thread_id: i64) -> Result<ThreadSummary, ClientError> {
        send(self.authed(Method::POST, &format!("/threads/{thread_id}/reopen"), token)).await
    }

    /// What the service accepts in a message (`GET /limits`): its attachment size and the rest.
    pub async fn limits(&self, token: &SessionToken) -> Result<MessagingLimits, ClientError> {
        send(self.authed(Method::GET, "/limits", token)).await
    }

    pub async fn care_team(&self, token: &SessionToken) -> Result<CareTeam, ClientError> {
        send(self.authed(Method::GET, "/care-team", token)).await
    }

    /// Uploads one file as multipart part `file`, reporting progress per 64 KiB sent.
    pub async fn upload_attachment(
        &self,
        token: &SessionToken,
        filename: &str,
        bytes: &[u8],
        progress: Option<ProgressFn>,
    ) -> Result<AttachmentInfo, ClientError> {
        let boundary = format!("portal-{:016x}{:016x}", rand_u64(), rand_u64());
        // The base name only (a path from the picker stays on this computer).
        let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
        let safe_name: String = base
            .chars()
            .map(|c| {
                if c.is_control() || c == '"' || c == '\\' {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let mut body = Vec::with_capacity(bytes.len() + 256);
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let total = body.len() as u64;
        let chunks: Vec<Vec<u8>> = body.chunks(UPLOAD_CHUNK).map(<[u8]>::to_vec).collect();
        let mut sent = 0u64;
        let stream = futures_util::stream::iter(chunks.into_iter().map(move |chunk| {
            sent += chunk.len() as u64;
            if let Some(report) = &progress {
                report(sent, total);
            }
            Ok::<_, std::io::Error>(chunk)
        }));
        let request = self
            .authed(Method::POST, "/attachments", token)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, total)
            .body(reqwest::Body::wrap_stream(stream));
        send(request).await
    }

    /// An attachment's bytes and its media type as served.
    pub async fn attachment(&self, token: &SessionToken, id: &str) -> Result<(String, Vec<u8>), ClientError> {
        let resp = crate::client::checked(self.authed(Method::GET, &format!("/attachments/{id}"), token)).await?;
        let media_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = resp.bytes().await.map_err(transport_error)?;
        Ok((media_type, bytes.to_vec()))
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // A multipart boundary only has to be unlikely to appear in the file, not secret.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}
