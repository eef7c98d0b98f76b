// The user's browser, headless, for the local authorization server (auth_server.mjs): follows its
// redirects with the cookies it sets, signs in as `account` and consents at each interaction, and
// returns the URL that starts with `redirectUri` (the callback carrying the code). Used by the
// test server's own user-token route and by the official client's flow (client_flow.mjs).
export async function consentHeadlessly(authorizationUrl, redirectUri, account = 'alice') {
  const jar = new Map();
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  let url = new URL(authorizationUrl);
  for (let step = 0; step < 12; step += 1) {
    if (url.href.startsWith(redirectUri)) return url;
    let res;
    if (/^\/interaction\/[^/]+$/.test(url.pathname)) {
      res = await fetch(url, { headers: { cookie: cookies(), accept: 'application/json' } });
      keep(res);
      const { prompt } = await res.json();
      const action = prompt === 'login' ? 'login' : 'confirm';
      res = await fetch(new URL(`${url.pathname}/${action}`, url), {
        method: 'POST', redirect: 'manual', headers: { cookie: cookies(), 'content-type': 'application/json' },
        body: JSON.stringify({ account }),
      });
    } else {
      res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies() } });
    }
    keep(res);
    const location = res.headers.get('location');
    if (!location) throw new Error(`the authorization server answered ${res.status} at ${url.pathname}: ${await res.text()}`);
    url = new URL(location, url);
  }
  throw new Error('no callback after 12 redirects');
}
