// True once the latent map has finished `count` hovers (its data-hovers), in or out of a shadow root.
count => [...document.querySelectorAll('*')].map(e => e.shadowRoot || e)
  .map(r => r.querySelector && r.querySelector('.amap')).filter(Boolean)
  .some(m => Number(m.dataset.hovers ?? 0) >= count)
