// Network coordinators' pages: the network key is typed once (form #network-key-form), kept in
// sessionStorage (gone when the tab closes) and sent by fetch as a bearer header (forfaits, dashboard).
const NETWORK_KEY = "cnrms.networkKey";
const $ = id => document.getElementById(id);

export function forgetNetworkKey() { sessionStorage.removeItem(NETWORK_KEY); }

export function networkKey() {
  const existing = sessionStorage.getItem(NETWORK_KEY);
  if (existing) return Promise.resolve(existing);
  const form = $("network-key-form");
  form.hidden = false;
  $("network-key").focus();
  return new Promise(resolve => {
    form.addEventListener("submit", event => {
      event.preventDefault();
      const value = $("network-key").value.trim();
      if (!value) return;
      sessionStorage.setItem(NETWORK_KEY, value);
      form.hidden = true;
      resolve(value);
    }, { once: true });
  });
}

// fetch with the network key; a 401 forgets the key, says so (say(text, kind)) and asks again.
export async function networkApi(path, say, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set("Authorization", "Bearer " + await networkKey());
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    forgetNetworkKey();
    say("Clé réseau refusée\u00a0: saisissez-la de nouveau.", "danger");
    return networkApi(path, say, options);
  }
  return response;
}
