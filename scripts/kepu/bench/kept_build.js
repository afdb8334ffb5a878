async () => {
  /* The build the lobby screen's service worker keeps (theme/screen/sw.js), or null. */
  try {
    const c = await caches.open('kepu-screen-meta');
    const r = await c.match(new URL('__kepu_current__', location.href.split('?')[0]).href);
    return r ? (await r.json()).screen : null;
  } catch (e) {
    return null;
  }
}
