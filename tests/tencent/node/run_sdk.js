#!/usr/bin/env node
/*
 * Tencent Cloud FaceID through Tencent's official Node.js SDKs, unchanged (configuration only),
 * against liveness-mock. One process runs a plan (loading an SDK takes most of a second) and
 * prints ONE JSON line on stdout, a list of results per run of the plan:
 *
 *   {"runs": [[{"ok": true, "response": {...}} | {"ok": false, "error": {"code", "message", "httpCode"}}, ...], ...]}
 *
 * It exits 0 whatever the SDK answered (non-zero only for a crash or a bad plan; stderr says why).
 *
 *   node run_sdk.js '<plan as JSON>'
 *
 * The plan: {"base": "http://127.0.0.1:PORT", "runs": [run, ...]}; a run is one client configuration:
 *   package     "intl-en": tencentcloud-sdk-nodejs-intl-en's FaceidClient (callback API);
 *               "intl-en-common": the CommonClient of that package;
 *               "common": tencentcloud-sdk-nodejs-common's CommonClient (promise API)
 *   endpoint    the SDK's endpoint (absent: HOST:PORT of base)
 *   signMethod  HmacSHA256 | HmacSHA1 | TC3-HMAC-SHA256 (absent: the SDK's default: intl-en
 *               HmacSHA256, i.e. signature v1; common TC3-HMAC-SHA256)
 *   reqMethod   POST | GET (absent: the SDK's default, POST)
 *   proxy       true: keep the SDK's own endpoint (common: faceid.intl.tencentcloudapi.com) and
 *               protocol, and go through base as an HTTP proxy (intl-en reads only the
 *               environment's http_proxy; common its httpProfile.proxy)
 *   calls       [{action, params, secretId, secretKey, token, region, clockOffsetS}, ...]: a string
 *               param "$N.Field" is Field of call N's response in this run ("$0.SdkToken").
 *               clockOffsetS shifts the clock the SDK signs with (Date), as on a host whose clock
 *               is off: the SDK's code is not touched.
 *
 * Both SDKs read a proxy from the environment (http_proxy), which would tunnel even 127.0.0.1:
 * it is removed from this process.
 */
"use strict";

const RealDate = Date;
let offsetMs = 0;

/** Date with the clock shifted by offsetMs: what the SDKs read their Timestamp from. */
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }

  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = ShiftedDate;

const DEFAULT_SECRET_ID = "AKIDmocksampleid";
const DEFAULT_SECRET_KEY = "mocksamplesecretkey";
const VERSION = "2018-03-01";

function fail(message) {
  process.stderr.write(`run_sdk.js: ${message}\n`);
  process.exit(2);
}

function errorOf(err) {
  if (err && typeof err === "object") {
    return { code: err.code || null, message: err.message || String(err), httpCode: err.httpCode || null };
  }
  return { code: null, message: String(err), httpCode: null };
}

/** "$N.Field" -> Field of result N's response. */
function resolveParams(params, results) {
  const out = {};
  for (const [name, value] of Object.entries(params || {})) {
    const ref = typeof value === "string" && /^\$(\d+)\.(\w+)$/.exec(value);
    if (ref) {
      const earlier = results[Number(ref[1])];
      if (!earlier || !earlier.ok) throw Object.assign(new Error(`${value}: call ${ref[1]} did not succeed`), { code: null });
      out[name] = earlier.response[ref[2]];
    } else {
      out[name] = value;
    }
  }
  return out;
}

function callIntlEn(plan, call, params) {
  const tencentcloud = require("tencentcloud-sdk-nodejs-intl-en");
  const { Credential, ClientProfile, HttpProfile } = tencentcloud.common;
  const http = new HttpProfile();
  if (plan.endpoint) http.endpoint = plan.endpoint;
  if (plan.protocol) http.protocol = plan.protocol;
  if (plan.reqMethod) http.reqMethod = plan.reqMethod;
  http.reqTimeout = 10;
  const profile = new ClientProfile(plan.signMethod, http); // undefined -> "HmacSHA256" (v1)
  const credential = new Credential(call.secretId, call.secretKey, call.token);
  return new Promise((resolve, reject) => {
    const done = (err, response) => (err ? reject(err) : resolve(response));
    if (plan.package === "intl-en-common") {
      const client = new tencentcloud.common.CommonClient(plan.endpoint, VERSION, credential, call.region, profile);
      client.request(call.action, params, done);
      return;
    }
    const { Client, Models } = tencentcloud.faceid.v20180301;
    const client = new Client(credential, call.region, profile);
    const request = new Models[`${call.action}Request`]();
    request.from_json_string(JSON.stringify(params));
    client[call.action](request, done);
  });
}

function callCommon(plan, call, params) {
  const { CommonClient } = require("tencentcloud-sdk-nodejs-common");
  const httpProfile = { endpoint: plan.endpoint, reqTimeout: 10 };
  if (plan.protocol) httpProfile.protocol = plan.protocol;
  if (plan.reqMethod) httpProfile.reqMethod = plan.reqMethod;
  if (plan.proxyUrl) httpProfile.proxy = plan.proxyUrl;
  const profile = { httpProfile };
  if (plan.signMethod) profile.signMethod = plan.signMethod; // default "TC3-HMAC-SHA256"
  const credential = { secretId: call.secretId, secretKey: call.secretKey };
  if (call.token) credential.token = call.token;
  const client = new CommonClient(plan.endpoint, VERSION, { credential, region: call.region, profile });
  return client.request(call.action, params);
}

async function run(base, plan) {
  if (!["intl-en", "intl-en-common", "common"].includes(plan.package)) fail(`unknown package ${plan.package}`);
  if (plan.proxy) {
    plan.proxyUrl = base.origin;
    if (plan.package === "common") plan.endpoint = plan.endpoint || "faceid.intl.tencentcloudapi.com";
    if (plan.package !== "common") process.env.http_proxy = base.origin; // the only proxy setting intl-en reads
  } else {
    plan.endpoint = plan.endpoint || base.host;
    plan.protocol = base.protocol + "//";
  }
  const results = [];
  for (const raw of plan.calls) {
    const call = Object.assign(
      { secretId: DEFAULT_SECRET_ID, secretKey: DEFAULT_SECRET_KEY, region: "ap-singapore", params: {} },
      raw
    );
    offsetMs = (call.clockOffsetS || 0) * 1000;
    try {
      const params = resolveParams(call.params, results);
      const response =
        plan.package === "common" ? await callCommon(plan, call, params) : await callIntlEn(plan, call, params);
      results.push({ ok: true, response: JSON.parse(JSON.stringify(response)) });
    } catch (err) {
      results.push({ ok: false, error: errorOf(err) });
    } finally {
      offsetMs = 0;
    }
  }
  delete process.env.http_proxy;
  return results;
}

async function main() {
  let plan;
  try {
    plan = JSON.parse(process.argv[2] || "");
  } catch (e) {
    fail(`the plan is not JSON: ${e.message}`);
  }
  delete process.env.http_proxy;
  delete process.env.HTTP_PROXY;
  const base = new URL(plan.base);
  const runs = [];
  for (const one of plan.runs) runs.push(await run(base, one));
  process.stdout.write(JSON.stringify({ runs }) + "\n", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`run_sdk.js crashed: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
