#!/usr/bin/env node
// Acceptance of the newsletter issue against a running ./run.sh (http://127.0.0.1:7071) whose send time
// for this month has passed: set "Newsletter__SendDay": "1" and "Newsletter__SendHour": "0" in
// local.settings.json before starting it. Subscribes three addresses, confirms two through the links of
// their e-mails, unsubscribes one by one-click POST, creates and readies this month's issue, runs the
// monthly timer: within 30 s the outbox holds exactly one newsletter, for the remaining subscriber, with
// both List-Unsubscribe headers; a second run adds nothing; the archive shows the issue.
// Usage: node scripts/acceptance-newsletter.mjs   (exit code 1 on any failed check)
import { readFileSync } from "node:fs";

const base = process.env.BASE ?? "http://127.0.0.1:7071";
const staffKey = process.env.STAFF_KEY ?? JSON.parse(readFileSync("local.settings.json", "utf8")).Values.Admin__ApiKey;
const run = Date.now().toString(36);
let failed = false;
const check = (name, ok, detail = "") => { console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` (${detail})` : ""}`); if (!ok) failed = true; };
const sleep = ms => new Promise(r => setTimeout(r, ms));
const outbox = async to => (await fetch(`${base}/_devhost/outbox?to=${encodeURIComponent(to)}`)).json();
async function waitFor(to, predicate, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const found = (await outbox(to)).filter(predicate);
    if (found.length > 0) return found;
    await sleep(250);
  }
  return [];
}
const staff = (path, init = {}) => fetch(base + path, { ...init, headers: { Authorization: `Bearer ${staffKey}`, ...(init.headers ?? {}) } });
const local = url => { const u = new URL(url); return base + u.pathname + u.search; };
const oneClick = url => fetch(local(url), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });

const [stays, leaves, pending] = ["reste", "part", "attente"].map(n => `lettre-${n}-${run}@example.org`);
for (const email of [stays, leaves, pending]) {
  const response = await fetch(`${base}/api/newsletter/subscriptions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, consent: true }) });
  check(`subscribe ${email}`, response.status === 202, `HTTP ${response.status}`);
}
const confirmations = {};
for (const email of [stays, leaves, pending]) {
  confirmations[email] = (await waitFor(email, m => m.categories.includes("newsletter-confirmation")))[0];
  check(`confirmation request to ${email}`, confirmations[email] !== undefined);
}
for (const email of [stays, leaves]) {
  const link = confirmations[email].links.find(l => l.includes("/api/newsletter/confirm?token="));
  const opened = await fetch(local(link));
  const pressed = await fetch(local(link), { method: "POST" });
  check(`confirm ${email} by the page's button`, opened.ok && pressed.ok, `GET ${opened.status}, POST ${pressed.status}`);
}
const unsubscribe = confirmations[leaves].headers["List-Unsubscribe"].replace(/^<|>$/g, "");
const left = await oneClick(unsubscribe);
check(`one-click unsubscribe of ${leaves}`, left.ok, `HTTP ${left.status}`);

const month = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Paris" }).slice(0, 7);
const subject = `Les nouvelles du réseau ${run}`;
const saved = await staff(`/api/manage/newsletter/issues/${month}`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subject, body: "## Au sommaire\n\nLes réseaux se réunissent à **Metz**." }) });
const ready = await staff(`/api/manage/newsletter/issues/${month}/ready`, { method: "POST" });
check(`issue ${month} created and ready`, saved.ok && ready.ok, `PUT ${saved.status}, ready ${ready.status}`);

const timer = () => fetch(`${base}/admin/functions/MonthlyNewsletterTimer?wait=true`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ input: "" }) });
check("MonthlyNewsletterTimer ran", (await timer()).ok);
const isIssue = m => m.subject === subject;
const received = await waitFor(stays, isIssue);
check(`the remaining subscriber got the newsletter within 30 s`, received.length === 1, `${received.length}`);
const headers = received[0]?.headers ?? {};
check("with List-Unsubscribe and List-Unsubscribe-Post", Boolean(headers["List-Unsubscribe"]) && headers["List-Unsubscribe-Post"] === "List-Unsubscribe=One-Click");
await sleep(3000);
check("nothing for the unsubscribed and the unconfirmed", (await outbox(leaves)).filter(isIssue).length === 0 && (await outbox(pending)).filter(isIssue).length === 0);
check("the timer ran again", (await timer()).ok);
await sleep(5000);
check("a second run adds nothing", (await outbox(stays)).filter(isIssue).length === 1);
const archive = await (await fetch(`${base}/api/newsletter/archive`)).text();
check("the archive lists the issue", archive.includes(subject));
process.exit(failed ? 1 : 0);
