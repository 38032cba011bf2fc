// A webhook receiver for Vexil's webhook tests (server/tests/api/webhooks.rs). It
// verifies every request's signature with the Standard Webhooks reference library (an
// implementation independent of Vexil's) and answers as each hook is told to.
//
// Prints {"port": N} on its first line, then serves on 127.0.0.1:N:
//   POST /_hooks/NAME       {"secret", "fail_first", "hang_first", "redirect_to"}: set up hook NAME
//   GET  /_hooks/NAME/log   what NAME received: [{id, timestamp, verified, error, status, body}]
//   POST /hooks/NAME        a webhook delivery: held unanswered while hang_first lasts,
//                           then 302 to redirect_to if set, 500 while fail_first lasts,
//                           400 if the signature does not verify, else 200
//   *    /other/...         counted in GET /_other/log (where redirects would lead)
// It exits when its standard input closes (the test ended).

import http from "node:http";
import { Webhook } from "standardwebhooks";

const hooks = new Map();
const other = [];

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://receiver");
  const parts = url.pathname.split("/").filter(Boolean);
  const body = await readBody(req);
  if (parts[0] === "_hooks" && parts.length === 2 && req.method === "POST") {
    const config = JSON.parse(body);
    hooks.set(parts[1], { ...config, log: [] });
    return json(res, 204, {});
  }
  if (parts[0] === "_hooks" && parts[2] === "log") {
    return json(res, 200, hooks.get(parts[1])?.log ?? []);
  }
  if (parts[0] === "_other" && parts[1] === "log") {
    return json(res, 200, other);
  }
  if (parts[0] === "hooks" && parts.length === 2) {
    const hook = hooks.get(parts[1]);
    if (!hook) return json(res, 404, { error: "no such hook" });
    let verified = false;
    let error = null;
    try {
      new Webhook(hook.secret).verify(body, req.headers);
      verified = true;
    } catch (e) {
      error = String(e?.message ?? e);
    }
    const entry = {
      id: req.headers["webhook-id"] ?? null,
      timestamp: req.headers["webhook-timestamp"] ?? null,
      signature: req.headers["webhook-signature"] ?? null,
      verified,
      error,
      status: null,
      body,
    };
    hook.log.push(entry);
    if ((hook.hang_first ?? 0) > 0) {
      hook.hang_first -= 1;
      entry.status = "held";
      return; // never answered: the sender times out or dies
    }
    if (hook.redirect_to) {
      entry.status = 302;
      res.writeHead(302, { location: hook.redirect_to });
      return res.end();
    }
    if ((hook.fail_first ?? 0) > 0) {
      hook.fail_first -= 1;
      entry.status = 500;
      return json(res, 500, { error: "failing on purpose" });
    }
    entry.status = verified ? 200 : 400;
    return json(res, entry.status, verified ? { ok: true } : { error });
  }
  other.push({ method: req.method, path: url.pathname });
  return json(res, 200, { ok: true });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
