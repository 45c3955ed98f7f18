// What every component shares about its host: Streamlit's components v2 calls the default
// export with { data, setStateValue, setTriggerValue, parentElement } on every rerun; the
// static explorer calls it the same way. The component's markup is its own .html file,
// bundled as text: it is put into the parent the first time, and found there afterwards.

/**
 * @typedef {object} Host
 * @property {any} data
 * @property {(name: string, value: any) => void} setStateValue
 * @property {(name: string, value: any) => void} [setTriggerValue]
 * @property {HTMLElement | ShadowRoot} parentElement
 */

/**
 * The component's root element (`selector`) in parent, made from `html` if it is not there yet.
 * @param {HTMLElement | ShadowRoot} parent
 * @param {string} html
 * @param {string} selector
 * @returns {HTMLElement & { [state: string]: any }}
 */
export function rootOf(parent, html, selector) {
  let root = parent.querySelector(selector);
  if (!root) {
    const template = document.createElement('template');
    template.innerHTML = html;
    parent.append(template.content);
    root = parent.querySelector(selector);
  }
  return /** @type {any} */ (root);
}

/**
 * An element of the component that its markup holds.
 * @template {Element} [E=HTMLElement]
 * @param {ParentNode} root
 * @param {string} selector
 * @returns {E}
 */
export function part(root, selector) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`the component's markup has no ${selector}`);
  return /** @type {E} */ (/** @type {unknown} */ (el));
}

/** An <input> of the component. @param {ParentNode} root @param {string} selector */
export const inputOf = (root, selector) => /** @type {HTMLInputElement} */ (part(root, selector));
