// A service's foreign fetch worker with a cache of its own (the seed
// article's "single, authoritative cache"): at install it stores
// ff-offline/data.py?v=1; each foreign fetch goes to the network first and,
// if that fails, is answered from the cache (the URL's query ignored). The
// answer's X-Answered-From header says which.
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
  event.waitUntil(caches.open("ff-offline")
      .then(cache => cache.add(self.registration.scope + "data.py?v=1")));
});

// The service frame's "report" request: what the cache holds.
self.addEventListener("message", e => {
  caches.open("ff-offline").then(cache => cache.keys())
      .then(keys => e.source.postMessage({cached: keys.map(request => request.url)}),
            error => e.source.postMessage({error: String(error)}));
});

self.addEventListener("foreignfetch", event => {
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
