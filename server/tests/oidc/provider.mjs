#!/usr/bin/env node
// A real OpenID Connect provider (the `oidc-provider` package) for Vexil's single
// sign-on tests, with its own signing key and its own users.
//
//   node provider.mjs --client-id vexil --client-secret S --redirect-uri URL --users FILE
//
// It listens on a free 127.0.0.1 port and prints one line, `ready <issuer>`, when it
// accepts requests. Users (a JSON array of {sub, password, email, email_verified, name,
// groups}) log in on a plain HTML form at /interaction/<uid>; consent is implied for
// the one client. Test-only controls, never part of a real provider:
//
//   POST /test/next-id-token {"mode": M}  the next token response carries an ID token
//                                         that is `forged` (signed by another key under
//                                         the real key's id), `expired`, for another
//                                         `audience`, from another `issuer`, or with
//                                         another `nonce`
//   POST /test/rotate-keys                a new signing key replaces the current one
//                                         (the old key leaves the JWKS)
//   POST /test/users/<sub> {"groups": G}   changes a user's groups
//   GET  /test/stats                      how many token responses were served

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    users: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
for (const required of ['client-id', 'client-secret', 'redirect-uri', 'users']) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}

const users = new Map(JSON.parse(readFileSync(args.users, 'utf8')).map((u) => [u.sub, u]));
let nextIdTokenMode = null;
let tokenResponses = 0;

async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function loginPage(uid, { error = '', login = '' } = {}) {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body>
  <h1>Test identity provider: sign in</h1>
  ${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
  <form method="post" action="/interaction/${escapeHtml(uid)}/login">
    <label>Username <input name="login" autocomplete="username" value="${escapeHtml(login)}" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
</body></html>`;
}

/** Rewrites an ID token the way the test asked: a token Vexil must refuse. */
async function misbehave(mode, idToken, signingKey) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = await importJWK(signingKey, 'RS256');
  switch (mode) {
    case 'forged': {
      // Same key id, someone else's key: only the signature gives it away.
      const { privateKey } = await generateKeyPair('RS256');
      key = privateKey;
      claims.groups = ['vexil-owners'];
      break;
    }
    case 'expired':
      claims.iat = now - 7200;
      claims.exp = now - 3600;
      break;
    case 'audience':
      claims.aud = 'another-application';
      delete claims.azp;
      break;
    case 'issuer':
      claims.iss = 'http://127.0.0.1:1/another-issuer';
      break;
    case 'nonce':
      claims.nonce = 'not-the-nonce-vexil-sent';
      break;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  return new SignJWT(claims).setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ }).sign(key);
}

function newProvider(issuer, signingKey) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: args['client-id'],
        client_secret: args['client-secret'],
        redirect_uris: args['redirect-uri'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    async findAccount(ctx, sub) {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: user.email,
            email_verified: user.email_verified ?? true,
            name: user.name ?? sub,
            groups: user.groups ?? [],
          };
        },
      };
    },
    // The one client is first-party: consent is implied.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });

  // The login form: a real check of a user's password.
  provider.use(async (ctx, next) => {
    const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
    if (!m) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET' && !m[2]) {
      ctx.type = 'html';
      ctx.body = loginPage(details.uid);
      return undefined;
    }
    if (ctx.method === 'POST' && m[2]) {
      const form = await readForm(ctx.req);
      const user = users.get(form.get('login') ?? '');
      if (!user || user.password !== form.get('password')) {
        ctx.status = 200;
        ctx.type = 'html';
        ctx.body = loginPage(details.uid, { error: 'Wrong username or password', login: form.get('login') ?? '' });
        return undefined;
      }
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(returnTo);
      return undefined;
    }
    return next();
  });

  // The test's controls over the next ID token.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.method === 'POST' && ctx.status === 200 && ctx.body?.id_token) {
      tokenResponses += 1;
      if (nextIdTokenMode) {
        const mode = nextIdTokenMode;
        nextIdTokenMode = null;
        ctx.body = { ...ctx.body, id_token: await misbehave(mode, ctx.body.id_token, signingKey) };
      }
    }
  });
  return provider;
}

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(args.port), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
let provider = newProvider(issuer, await newSigningKey());
let handler = provider.callback();

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    if (req.method === 'POST' && url.pathname === '/test/next-id-token') {
      const { mode } = await readJson(req);
      nextIdTokenMode = mode;
      return send(200, { mode });
    }
    if (req.method === 'POST' && url.pathname === '/test/rotate-keys') {
      const key = await newSigningKey();
      provider = newProvider(issuer, key);
      handler = provider.callback();
      return send(200, { kid: key.kid });
    }
    const userPath = /^\/test\/users\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && userPath) {
      const user = users.get(decodeURIComponent(userPath[1]));
      if (!user) return send(404, { error: 'no such user' });
      Object.assign(user, await readJson(req));
      return send(200, user);
    }
    if (req.method === 'GET' && url.pathname === '/test/stats') {
      return send(200, { token_responses: tokenResponses });
    }
  } catch (e) {
    return send(500, { error: String(e) });
  }
  return handler(req, res);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
console.log(`ready ${issuer}`);
