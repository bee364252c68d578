// The door volunteers' page (CheckinDoorPage): each code typed or scanned is posted with the door key
// of the link. Scanning uses the browser's BarcodeDetector where it reads QR codes (Android Chrome),
// else jsQR (iPhone Safari, desktop browsers), fetched only then: 250 kB an Android phone never needs.
// jsQR decodes a canvas copy of the video, at most 640 px wide so that old phones keep up.
const form = document.getElementById("checkin-form"), input = document.getElementById("token"), result = document.getElementById("result");
const door = form.dataset.door;
const scan = document.getElementById("scan"), video = document.getElementById("camera");
let stream = null, starting = false, timer = 0, last = "";

function say(text, kind) { result.className = "notice " + kind; result.textContent = text; }

async function send(token) {
  const r = await fetch(location.pathname.replace(/checkin$/, "checkins"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token, doorKey: door }) });
  const b = await r.json().catch(() => ({}));
  if (r.ok) {
    const name = Object.assign(document.createElement("strong"), { textContent: b.firstName + " " + b.lastName });
    result.className = "notice " + (b.alreadyCheckedIn ? "danger" : "ok");
    result.replaceChildren(b.alreadyCheckedIn ? "Déjà enregistré·e\u00a0: " : "Bienvenue\u00a0: ", name, " — " + (b.organisation ?? ""));
  } else {
    say(b.detail || Object.values(b.errors || {}).flat().join(" ") || ("Erreur " + r.status), "danger");
  }
  // Typing: ready for the next code. Scanning: the answer keeps the focus (screen readers read it)
  // and no on-screen keyboard opens over the camera.
  input.value = "";
  if (stream) result.focus(); else input.focus();
}

form.addEventListener("submit", e => { e.preventDefault(); if (input.value.trim()) send(input.value.trim()); });

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
  if (value && value !== last) { last = value; send(value); }
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
