// The door volunteers' page (CheckinDoorPage): each code typed or scanned is posted with the door key
// of the link. Scanning uses the browser's BarcodeDetector where it reads QR codes (Android Chrome),
// else jsQR (iPhone Safari, desktop browsers), fetched only then: 250 kB an Android phone never needs.
// jsQR decodes a canvas copy of the video, at most 640 px wide so that old phones keep up.
const form = document.getElementById("checkin-form"), input = document.getElementById("token"), result = document.getElementById("result");
const door = form.dataset.door;
const scan = document.getElementById("scan"), video = document.getElementById("camera");
let stream = null, starting = false, timer = 0, last = "";

function say(text, kind) { result.className = "notice " + kind; result.textContent = text; }

// "10h31", Paris time: when someone arrived.
const hour = iso => new Date(iso).toLocaleTimeString("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit" }).replace(":", "h");
const base = location.pathname.replace(/checkin$/, "checkins");
const problem = async r => { const b = await r.json().catch(() => ({})); return b.detail || Object.values(b.errors || {}).flat().join(" ") || ("Erreur " + r.status); };

// The answer to a check-in, with a button undoing it (a wrong person, a code scanned by mistake).
function welcome(b) {
  const name = b.firstName + " " + b.lastName;
  const undo = Object.assign(document.createElement("button"), { type: "button", className: "secondary small", textContent: "Annuler cette arrivée" });
  undo.setAttribute("aria-label", "Annuler l'arrivée de " + name);
  undo.addEventListener("click", async () => {
    const r = await fetch(base + "/undo", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ registrationId: b.registrationId, doorKey: door }) });
    if (r.ok) say("Arrivée de " + name + " annulée\u00a0: elle n'est plus enregistrée.", "ok"); else say(await problem(r), "danger");
    result.focus();
    window.dispatchEvent(new Event("checkins-changed"));
  });
  result.className = "notice " + (b.alreadyCheckedIn ? "danger" : "ok");
  result.replaceChildren(b.alreadyCheckedIn ? "Déjà enregistré·e à " + hour(b.checkedInAt) + "\u00a0: " : "Bienvenue\u00a0: ",
    Object.assign(document.createElement("strong"), { textContent: name }), " — " + (b.organisation ?? ""), " ", undo);
  window.dispatchEvent(new Event("checkins-changed"));
}

async function send(body) {
  const r = await fetch(base, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ...body, doorKey: door }) });
  if (r.ok) welcome(await r.json()); else say(await problem(r), "danger");
}

async function sendCode(token) {
  await send({ token });
  // Typing: ready for the next code. Scanning: the answer keeps the focus (screen readers read it)
  // and no on-screen keyboard opens over the camera.
  input.value = "";
  if (stream) result.focus(); else input.focus();
}

form.addEventListener("submit", e => { e.preventDefault(); if (input.value.trim()) sendCode(input.value.trim()); });

// Without a code: search by name, then check in (or undo) from the list.
const search = document.getElementById("search"), found = document.getElementById("found");
const button = (text, label, onClick) => {
  const b = Object.assign(document.createElement("button"), { type: "button", className: "secondary small", textContent: text });
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
};

async function find() {
  const q = search.value.trim();
  if (q.length < 2) { found.replaceChildren(); return; }
  const r = await fetch(location.pathname.replace(/checkin$/, "door/registrations") + "?door=" + encodeURIComponent(door) + "&q=" + encodeURIComponent(q));
  if (!r.ok) { say(await problem(r), "danger"); return; }
  const people = await r.json();
  found.replaceChildren(...(people.length ? people.map(p => {
    const name = p.firstName + " " + p.lastName;
    const li = document.createElement("li");
    li.append(Object.assign(document.createElement("strong"), { textContent: name }), " — " + (p.organisation ?? ""), document.createElement("br"));
    if (p.status !== "Confirmed") li.append("Liste d'attente\u00a0: pas de place confirmée.");
    else if (p.checkedInAt) li.append("Arrivé·e à " + hour(p.checkedInAt) + " ", button("Annuler l'arrivée", "Annuler l'arrivée de " + name, async () => {
      const u = await fetch(base + "/undo", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ registrationId: p.registrationId, doorKey: door }) });
      if (u.ok) say("Arrivée de " + name + " annulée\u00a0: elle n'est plus enregistrée.", "ok"); else say(await problem(u), "danger");
      find();
    }));
    else li.append(button("Enregistrer l'arrivée", "Enregistrer l'arrivée de " + name, async () => { await send({ registrationId: p.registrationId }); result.focus(); }));
    return li;
  }) : [Object.assign(document.createElement("li"), { textContent: "Personne à ce nom parmi les inscrits (annulations exclues)." })]));
}

document.getElementById("search-form").addEventListener("submit", e => { e.preventDefault(); find(); });
// A check-in or an undo elsewhere on the page: the list shows it.
window.addEventListener("checkins-changed", () => { if (found.children.length) find(); });

function loadJsQr() {
  return window.jsQR ? Promise.resolve(window.jsQR) : new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    tag.src = "/api/assets/jsqr.js";
    tag.addEventListener("load", () => window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR")));
    tag.addEventListener("error", reject);
    document.head.append(tag);
  });
}

// Resolves to a function answering the text of a QR code in the current video frame, or "".
async function qrReader() {
  if ("BarcodeDetector" in window && (await BarcodeDetector.getSupportedFormats().catch(() => [])).includes("qr_code")) {
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    return async () => { const codes = await detector.detect(video).catch(() => []); return codes.length ? codes[0].rawValue : ""; };
  }
  const jsQR = await loadJsQr(), canvas = document.createElement("canvas"), g = canvas.getContext("2d", { willReadFrequently: true });
  return async () => {
    if (video.readyState < 2 || !video.videoWidth) return "";
    const k = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * k); canvas.height = Math.round(video.videoHeight * k);
    g.drawImage(video, 0, 0, canvas.width, canvas.height);
    const code = jsQR(g.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: "dontInvert" });
    return code ? code.data : "";
  };
}

// One read at a time, the next 300 ms after the last one ended; a code read again is not sent again.
async function watch(read, session) {
  const value = await read();
  if (stream !== session) return;
  if (value && value !== last) { last = value; sendCode(value); }
  timer = setTimeout(() => watch(read, session), 300);
}

function stop() {
  clearTimeout(timer);
  if (stream) stream.getTracks().forEach(t => t.stop());
  stream = null; video.srcObject = null; video.hidden = true; scan.textContent = "Scanner le code QR";
}

async function start() {
  starting = true;
  const reading = qrReader(); reading.catch(() => {});
  try { stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }); }
  catch { starting = false; say("L'appareil photo n'est pas accessible\u00a0: autorisez-le pour cette page, ou saisissez le code.", "danger"); return; }
  let read;
  try { read = await reading; video.srcObject = stream; video.hidden = false; await video.play(); }
  catch { starting = false; stop(); say("Le lecteur de codes QR n'a pas pu démarrer\u00a0: saisissez le code.", "danger"); return; }
  starting = false; last = ""; scan.textContent = "Arrêter la caméra";
  say("Appareil photo ouvert\u00a0: présentez le code QR du participant.", "");
  watch(read, stream);
}

if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  scan.hidden = false;
  scan.addEventListener("click", () => { if (stream) stop(); else if (!starting) start(); });
}
