// The first page is fully drawn: a title, every image loaded, nothing running or pending (benchmarks/latency.py).
() => { const imgs = [...document.querySelectorAll('[data-testid=stMain] img')];
  return !!document.querySelector('[data-testid=stMain] h1') && imgs.length > 0
    && imgs.every(i => i.complete && i.naturalWidth > 0)
    && !document.querySelector('[data-testid=stStatusWidget], [data-testid=stSpinner], [data-testid=stSkeleton]'); }
