// The walk's slider rows as the page shows them, open ones first, then the folded ones
// (tests/test_e2e.py). The component may live in a shadow root.
() => {
  const root = [...document.querySelectorAll('*')].map(e => e.shadowRoot).find(r => r && r.querySelector('.walk')) || document;
  return [...root.querySelectorAll('.walk-row')].map(r => ({
    dim: +r.dataset.dim, figure: +r.dataset.figure, text: r.querySelector('.f').textContent,
    folded: !!r.closest('.walk-folded'), visible: r.checkVisibility(),
  }));
}
