// An init script (benchmarks/big_map.py): the page-clock time each large websocket message
// arrives, before Streamlit's own listener decodes it, so a map's times can start from its
// data's arrival rather than from the component's first line. window.__arrivals: [ms, bytes].
window.__arrivals = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', e => {
      const size = e.data instanceof ArrayBuffer ? e.data.byteLength : e.data instanceof Blob ? e.data.size : e.data.length;
      if (size > 1e6) window.__arrivals.push([performance.now(), size]);
    });
  }
};
