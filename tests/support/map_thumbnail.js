// True once the latent map's hovered image is point i's own thumbnail, fetched from the server
// (web/map/thumbnails.js), in or out of a shadow root.
i => [...document.querySelectorAll('*')].map(e => e.shadowRoot || e)
  .map(r => r.querySelector && r.querySelector('canvas.amap-hover-image')).filter(Boolean)
  .some(h => h.dataset.source === 'thumbnail' && h.dataset.index === String(i))
