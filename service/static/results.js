/* global document, window, EventSource, setTimeout, clearTimeout -- runs in the browser */
// Live results: keeps the counts, bars and total of the results page current over Server-Sent Events
// (the `counts` events of /polls/:id/results/events). The page is complete without this script.
(() => {
  const list = document.querySelector('ul.results[data-events]');
  const total = document.querySelector('.total');
  const status = document.querySelector('.live-status');
  if (!list || !total || !status || !('EventSource' in window)) return;

  const votes = (count) => `${count} ${count === 1 ? 'vote' : 'votes'}`;
  const showStatus = (text) => {
    status.textContent = text;
    status.hidden = text === '';
  };

  const show = (counts) => {
    for (const choice of counts.choices) {
      const item = list.querySelector(`li[data-choice-id="${choice.id}"]`);
      if (!item) continue;
      item.querySelector('.vote-count').textContent = votes(choice.votes);
      const bar = item.querySelector('meter');
      bar.value = choice.percent;
      bar.textContent = `${choice.percent}%`;
      const text = item.querySelector('.choice-text').textContent;
      bar.setAttribute('aria-label', `${text}: ${choice.percent}% of the votes`);
    }
    total.textContent = `${votes(counts.totalVotes)} in all.`;
  };

  // A stream ends by design now and then (it has a lifetime, service/src/polls/live-results/live-counts.ts)
  // and the browser is back within its 2 s retry: only a stream still lost after 3 s is worth saying so.
  let lostNotice;
  const connect = () => {
    const source = new EventSource(list.dataset.events);
    source.addEventListener('open', () => {
      clearTimeout(lostNotice);
      showStatus('');
    });
    source.addEventListener('counts', (event) => {
      show(JSON.parse(event.data));
      list.dataset.live = 'current'; // the numbers shown are the stream's, not only the page's
    });
    // The poll closed: these were the last counts. Said as the server's pages say it (views.ts, longDate).
    source.addEventListener('closed', (event) => {
      source.close();
      const { closesAt } = JSON.parse(event.data);
      const when = closesAt
        ? new Date(closesAt).toLocaleString('en-GB', {
            dateStyle: 'long',
            timeStyle: 'short',
            timeZone: 'UTC',
          })
        : '';
      showStatus(when ? `This poll closed on ${when} UTC.` : 'This poll is closed.');
      list.dataset.live = 'closed';
    });
    source.addEventListener('error', () => {
      if (list.dataset.live === 'closed') return;
      showStatus('Live results lost: reconnecting…');
      clearTimeout(lostNotice);
      lostNotice = setTimeout(() => showStatus('Live results lost: reconnecting…'), 3_000);
      // The browser retries a dropped stream by itself, but gives up on a refusal (503: busy or shutting
      // down); then this page tries again, after a pause spread out so refused pages do not return together.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3_000 + Math.random() * 4_000);
    });
  };
  connect();
})();
