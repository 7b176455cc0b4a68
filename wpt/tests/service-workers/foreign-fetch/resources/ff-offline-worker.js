// A service's foreign fetch worker with a cache of its own (the seed
// article's "single, authoritative cache"): at install it stores
// ff-offline/data.py?v=1; each foreign fetch goes to the network first and,
// if that fails, is answered from the cache (the URL's query ignored). The
// answer's X-Answered-From header says which.
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
  event.waitUntil(caches.open("ff-offline").then(async cache => {
    await cache.add(self.registration.scope + "data.py?v=1");
    // An image of another origin (the test page's), fetched no-cors: an
    // opaque response, kept with what it hides from script.
    const other = location.origin.replace("://www1.", "://");
    const image = await fetch(other + "/service-workers/foreign-fetch/resources/ff-opaque.py?kind=image",
                              {mode: "no-cors"});
    await cache.put(self.registration.scope + "image.png", image);
  }));
});

// The service frame's "report" request: what the cache holds.
self.addEventListener("message", e => {
  caches.open("ff-offline").then(cache => cache.keys())
      .then(keys => e.source.postMessage({cached: keys.map(request => request.url)}),
            error => e.source.postMessage({error: String(error)}));
});

self.addEventListener("foreignfetch", event => {
  if (new URL(event.request.url).pathname.endsWith("/image.png")) {
    // From the cache only: an opaque response, for the page's <img>.
    event.respondWith(caches.match(event.request.url).then(response => ({response})));
    return;
  }
  event.respondWith((async () => {
    let body, from;
    try {
      body = await (await fetch(event.request)).text();
      from = "network";
    } catch (error) {
      const cached = await caches.match(event.request, {ignoreSearch: true});
      if (!cached) throw error;
      body = await cached.text();
      from = "cache";
    }
    return {
      response: new Response(body, {headers: {"X-Answered-From": from}}),
      origin: event.origin,
      headers: ["X-Answered-From"],
    };
  })());
});
