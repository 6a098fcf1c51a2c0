// The web conversation without page reloads: the same form posts, sent with fetch, and the
// next page swapped in place; a running check's progress live over Server-Sent Events; copy
// buttons. Everything works without this script: it only enhances the server-rendered page.
(() => {
  'use strict';
  let busy = false;
  let source = null;

  function narrow() {
    return window.matchMedia('(max-width: 59.99em)').matches;
  }

  function enhance(focusQuestion) {
    document.documentElement.classList.add('scripted');
    for (const button of document.querySelectorAll('[data-copy], [data-copy-value]')) button.hidden = false;
    const details = document.querySelector('.article details');
    if (details && narrow() && !location.search.includes('article=')) details.open = false;
    if (focusQuestion) {
      const target = document.getElementById('error-summary') || document.getElementById('question-heading');
      if (target) target.focus();
    }
    if (document.querySelector('[data-check-running]')) watchCheck();
  }

  async function swap(response) {
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    document.title = doc.title;
    document.documentElement.lang = doc.documentElement.lang;
    // Everything but the live region, which stays in place so screen readers hear it change.
    const live = document.getElementById('announce');
    for (const node of [...document.body.childNodes]) if (node !== live) node.remove();
    for (const node of [...doc.body.childNodes]) {
      if (node.id !== 'announce') document.body.insertBefore(document.adoptNode(node), live);
    }
    if (response.redirected) history.replaceState(null, '', response.url);
    const heading = document.getElementById('question-heading');
    if (heading && live) {
      live.lang = doc.documentElement.lang;
      live.textContent = '';
      setTimeout(() => { live.textContent = heading.textContent.trim(); }, 100);
    }
    enhance(true);
  }

  function watchCheck() {
    if (source) source.close();
    const list = document.getElementById('progress');
    let seen = 0;
    source = new EventSource('events');
    source.onmessage = (event) => {
      seen += 1;
      if (!list || seen <= Number(list.dataset.events || 0)) return; // already on the page
      const line = JSON.parse(event.data);
      const running = list.querySelectorAll('.progress-running');
      if ((line.kind === 'ok' || line.kind === 'fail') && running.length) running[running.length - 1].remove();
      const item = document.createElement('li');
      item.className = 'progress-' + line.kind;
      item.textContent = line.text;
      list.append(item);
    };
    source.addEventListener('done', async () => {
      source.close();
      source = null;
      await swap(await fetch('./', { credentials: 'same-origin' }));
    });
    source.onerror = () => {
      if (source) source.close();
      source = null;
    };
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    event.preventDefault();
    if (busy) return; // a double tap: the first answer is on its way
    busy = true;
    const data = new FormData(form, event.submitter);
    const body = form.enctype === 'multipart/form-data' ? data : new URLSearchParams(data);
    try {
      const response = await fetch(form.action, {
        method: 'POST', body, credentials: 'same-origin', headers: { 'X-Troubleshooter-Script': '1' },
      });
      await swap(response);
    } catch (error) {
      window.location.reload(); // the page as the server has it
    } finally {
      busy = false;
    }
  });

  document.addEventListener('click', async (event) => {
    const button = event.target.closest && event.target.closest('[data-copy], [data-copy-value]');
    if (!button) return;
    const field = button.dataset.copy ? document.getElementById(button.dataset.copy) : null;
    const text = field ? (field.value || field.textContent) : button.dataset.copyValue;
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      if (field) {
        field.select();
        document.execCommand('copy');
      }
    }
    const status = button.closest('.support, .card')?.querySelector('[data-copied]');
    if (status) status.textContent = status.dataset.copied + (field ? '' : ' ' + text);
  });

  enhance(location.hash === '#question');
})();
