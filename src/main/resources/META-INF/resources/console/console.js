// Operator console of the relay: feeds, live hints, dead letters and a rules dry run, over the relay's own API.
// No framework and no build step. Everything received is written with textContent, never parsed as HTML.
'use strict';

(function () {
  const KEY_STORAGE = 'oprelay.console.apiKey';
  const FEEDS_EVERY_MS = 2000;
  const MAX_HINTS = 100;
  const DEAD_LETTERS_LIMIT = 50;
  const STREAM_RETRY_MS = 2000;

  const $ = (id) => document.getElementById(id);
  const state = {
    stream: null,
    streamGeneration: 0,
    lastEventId: null,
    feedsTimer: null,
    started: false
  };

  /** Thrown when the API answers 401: the sign-in form is shown instead of an error. */
  class SignInNeeded extends Error {
  }

  // --- API access ------------------------------------------------------------------------------------------------

  function apiKey() {
    return sessionStorage.getItem(KEY_STORAGE);
  }

  async function api(path, options) {
    const opts = Object.assign({method: 'GET'}, options || {});
    const headers = Object.assign({'Accept': 'application/json, application/problem+json'}, opts.headers || {});
    const key = apiKey();
    if (key) {
      headers['X-API-Key'] = key;
    }
    opts.headers = headers;
    opts.cache = 'no-store';
    const response = await fetch(path, opts);
    if (response.status === 401) {
      askForKey(key ? 'The API key was not accepted.' : '');
      throw new SignInNeeded();
    }
    return response;
  }

  /** A readable line for an error answer: problem+json title, status and detail, or the status line. */
  async function problemText(response) {
    let text = response.status + ' ' + (response.statusText || '');
    try {
      const body = await response.json();
      if (body && (body.title || body.detail)) {
        text = (body.title || 'Error') + ' (' + (body.status || response.status) + ')'
          + (body.detail ? ': ' + body.detail : '');
      }
    } catch (ignored) {
      // not JSON: the status line says enough
    }
    return text;
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  // --- Sign in / out ---------------------------------------------------------------------------------------------

  function askForKey(message) {
    stopAll();
    sessionStorage.removeItem(KEY_STORAGE);
    $('sign-in').hidden = false;
    $('main').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in-error').textContent = message || '';
    setStatus('Sign in with the API key to see the relay.');
    $('api-key').focus();
  }

  function signIn(event) {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      $('sign-in-error').textContent = 'Enter the API key.';
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    $('api-key').value = '';
    start();
  }

  function signOut() {
    sessionStorage.removeItem(KEY_STORAGE);
    askForKey('Signed out.');
  }

  function stopAll() {
    state.started = false;
    if (state.feedsTimer) {
      clearTimeout(state.feedsTimer);
      state.feedsTimer = null;
    }
    closeStream();
  }

  async function start() {
    stopAll();
    state.started = true;
    $('sign-in').hidden = true;
    $('main').hidden = false;
    $('sign-out').hidden = !apiKey();
    setStatus('Connecting…');
    try {
      await refreshFeeds();
    } catch (e) {
      if (e instanceof SignInNeeded) {
        return;
      }
    }
    if (!state.started) {
      return;
    }
    openStream();
    loadDeadLetters();
  }

  // --- Feeds -----------------------------------------------------------------------------------------------------

  const STATE_CLASS = {
    IDLE: 'state-ok', SWEEPING: 'state-busy', STARTING: 'state-busy', STANDBY: 'state-idle',
    BACKING_OFF: 'state-bad', FENCED: 'state-bad'
  };

  function duration(ms) {
    if (ms < 0) {
      ms = 0;
    }
    const s = Math.round(ms / 1000);
    if (s < 120) {
      return s + ' s';
    }
    const m = Math.round(s / 60);
    if (m < 120) {
      return m + ' min';
    }
    const h = Math.round(m / 60);
    return h < 48 ? h + ' h' : Math.round(h / 24) + ' d';
  }

  function feedRow(feed, serverNow) {
    const row = el('tr');
    row.dataset.feed = feed.feed;
    const name = el('th', feed.feed);
    name.scope = 'row';
    row.appendChild(name);
    row.appendChild(el('td', feed.state, STATE_CLASS[feed.state] || 'state-idle'));
    row.appendChild(el('td', feed.completeThrough || 'not yet', 'mono'));
    const lag = el('td', feed.completeThrough ? duration(serverNow - Date.parse(feed.completeThrough)) : 'unknown',
      'number lag');
    row.appendChild(lag);
    const published = el('td');
    published.className = 'published';
    const formats = Object.keys(feed.publishedByFormat || {});
    if (formats.length === 0) {
      published.textContent = 'none yet';
    } else {
      const list = el('ul');
      list.className = 'formats';
      formats.forEach((format) => {
        const item = el('li', format + ': ' + feed.publishedByFormat[format]);
        item.dataset.format = format;
        item.dataset.count = String(feed.publishedByFormat[format]);
        list.appendChild(item);
      });
      published.appendChild(list);
    }
    row.appendChild(published);
    row.appendChild(el('td', feed.lastSweepAt ? feed.lastSweepAt + ' (' + (feed.lastSweepOutcome || '') + ')'
      : 'none yet', 'mono'));
    row.appendChild(el('td', feed.errors, 'number'));
    const lastError = [];
    if (!feed.kafkaHealthy) {
      lastError.push('Kafka unreachable.');
    }
    if (feed.twilioCredentialsRejected) {
      lastError.push('Twilio rejected the credentials.');
    }
    if (feed.lastError) {
      lastError.push(feed.lastError);
    }
    row.appendChild(el('td', lastError.length ? lastError.join(' ') : 'none', lastError.length ? 'error' : ''));
    return row;
  }

  async function refreshFeeds() {
    try {
      const response = await api('/api/feeds');
      if (!response.ok) {
        setStatus('Feeds could not be read: ' + await problemText(response));
        return;
      }
      const date = Date.parse(response.headers.get('Date') || '');
      const serverNow = isNaN(date) ? Date.now() : date;
      const feeds = await response.json();
      const body = $('feeds').tBodies[0];
      body.replaceChildren(...feeds.map((feed) => feedRow(feed, serverNow)));
      const behind = feeds.filter((f) => f.state === 'BACKING_OFF' || f.state === 'FENCED').length;
      setStatus(feeds.length + (feeds.length === 1 ? ' feed' : ' feeds') + (behind ? ', ' + behind + ' failing' : '')
        + '; updated ' + new Date(serverNow).toISOString().substring(11, 19) + ' UTC.');
    } catch (e) {
      if (e instanceof SignInNeeded) {
        throw e;
      }
      setStatus('The relay does not answer (' + e.message + '); retrying.');
    } finally {
      if (state.started) {
        state.feedsTimer = setTimeout(() => refreshFeeds().catch(() => undefined), FEEDS_EVERY_MS);
      }
    }
  }

  // --- Live hints ------------------------------------------------------------------------------------------------

  function closeStream() {
    state.streamGeneration++;
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
  }

  function streamState(text) {
    $('stream-state').textContent = text;
  }

  /** Mints a stream token (the API key never goes into a URL) and opens the hint stream with it. */
  async function openStream() {
    closeStream();
    const generation = state.streamGeneration;
    const conversation = $('conversation').value.trim();
    streamState('Connecting to the hint stream…');
    let token;
    try {
      const response = await api('/api/agent-assist/tokens', {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(conversation ? {conversationId: conversation} : {scope: 'all'})
      });
      if (!response.ok) {
        streamState('The hint stream cannot open: ' + await problemText(response));
        return;
      }
      token = (await response.json()).token;
    } catch (e) {
      if (!(e instanceof SignInNeeded)) {
        streamState('The hint stream cannot open (' + e.message + '); retrying.');
        setTimeout(() => generation === state.streamGeneration && openStream(), STREAM_RETRY_MS);
      }
      return;
    }
    if (generation !== state.streamGeneration) {
      return;
    }
    const params = new URLSearchParams({access_token: token});
    if (conversation) {
      params.set('conversationId', conversation);
    }
    if (state.lastEventId) {
      params.set('lastEventId', state.lastEventId);
    }
    const source = new EventSource('/agent-assist/stream?' + params.toString());
    state.stream = source;
    source.onopen = () => {
      streamState(conversation ? 'Live: hints of conversation ' + conversation + '.' : 'Live: every hint.');
    };
    source.addEventListener('hint', (event) => {
      state.lastEventId = event.lastEventId || state.lastEventId;
      showHint(JSON.parse(event.data), event.lastEventId);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED && generation === state.streamGeneration) {
        // Refused (the token expired, the instance is full or restarting): a new token, then resume.
        streamState('The hint stream closed; reconnecting…');
        setTimeout(() => generation === state.streamGeneration && openStream(), STREAM_RETRY_MS);
      } else if (source.readyState === EventSource.CONNECTING) {
        streamState('The hint stream dropped; reconnecting…');
      }
    };
  }

  function showHint(hint, id) {
    const list = $('hints');
    const item = el('li');
    const severity = hint.severity || 'info';
    item.className = 'severity-' + severity;
    item.dataset.resultId = hint.resultId || '';
    item.dataset.conversationId = hint.conversationId || '';
    item.dataset.eventId = id || '';
    const head = el('div');
    head.appendChild(el('span', severity, 'severity'));
    head.appendChild(el('span', hint.title || '(no title)', 'hint-title'));
    item.appendChild(head);
    if (hint.message) {
      item.appendChild(el('div', hint.message));
    }
    item.appendChild(el('div', 'conversation ' + (hint.conversationId || '?') + ' · rule ' + (hint.rule || '?')
      + (hint.label ? ' · label ' + hint.label : '') + ' · received ' + new Date().toISOString().substring(11, 19)
      + ' UTC', 'meta'));
    list.insertBefore(item, list.firstChild);
    while (list.children.length > MAX_HINTS) {
      list.removeChild(list.lastChild);
    }
  }

  function applyFilter(event) {
    event.preventDefault();
    state.lastEventId = null;
    $('hints').replaceChildren();
    openStream();
  }

  // --- Dead letters ----------------------------------------------------------------------------------------------

  async function loadDeadLetters() {
    const info = $('dead-letters-state');
    info.textContent = 'Loading dead letters…';
    try {
      const response = await api('/api/dead-letters?limit=' + DEAD_LETTERS_LIMIT);
      if (!response.ok) {
        info.textContent = response.status === 404
          ? 'This instance does not serve dead letters.'
          : 'Dead letters could not be read: ' + await problemText(response);
        return;
      }
      const deadLetters = (await response.json()).deadLetters || [];
      $('dead-letters').tBodies[0].replaceChildren(...deadLetters.map(deadLetterRow));
      info.textContent = deadLetters.length === 0 ? 'No dead letters.'
        : deadLetters.length + ' latest dead letter' + (deadLetters.length === 1 ? '' : 's') + ', newest first.';
    } catch (e) {
      if (!(e instanceof SignInNeeded)) {
        info.textContent = 'Dead letters could not be read (' + e.message + ').';
      }
    }
  }

  function deadLetterRow(letter) {
    const row = el('tr');
    row.dataset.id = letter.id;
    const time = el('th', letter.time || '', 'mono');
    time.scope = 'row';
    row.appendChild(time);
    row.appendChild(el('td', (letter.rule || '(no rule)') + ' / ' + (letter.action || '(no action)')));
    row.appendChild(el('td', letter.reason || ''));
    row.appendChild(el('td', letter.attempts == null ? '' : letter.attempts, 'number'));
    row.appendChild(el('td', letter.key || '', 'mono'));
    row.appendChild(el('td', (letter.sourceTopic || '?') + ' ' + letter.sourcePartition + '@' + letter.sourceOffset
      + (letter.resultId ? ' (result ' + letter.resultId + ')' : ''), 'mono'));
    const cell = el('td');
    const button = el('button', 'Replay');
    button.type = 'button';
    button.setAttribute('aria-label', 'Replay dead letter ' + letter.id);
    const outcome = el('span', '', 'outcome');
    outcome.setAttribute('role', 'status');
    button.addEventListener('click', () => replay(letter.id, button, outcome));
    cell.appendChild(button);
    cell.appendChild(el('span', ' '));
    cell.appendChild(outcome);
    row.appendChild(cell);
    return row;
  }

  async function replay(id, button, outcome) {
    button.disabled = true;
    outcome.className = 'outcome';
    outcome.textContent = 'Replaying…';
    try {
      const response = await api('/api/dead-letters/' + encodeURIComponent(id) + '/replay', {method: 'POST'});
      if (!response.ok) {
        outcome.textContent = 'Not replayed: ' + await problemText(response);
        outcome.className = 'outcome outcome-failed';
        return;
      }
      const answer = await response.json();
      outcome.dataset.outcome = answer.outcome;
      outcome.className = 'outcome outcome-' + answer.outcome;
      outcome.textContent = answer.outcome + (answer.detail ? ': ' + answer.detail : '');
    } catch (e) {
      if (!(e instanceof SignInNeeded)) {
        outcome.textContent = 'Not replayed (' + e.message + ').';
      }
    } finally {
      button.disabled = false;
    }
  }

  // --- Rules dry run ---------------------------------------------------------------------------------------------

  async function dryRun(event) {
    event.preventDefault();
    const out = $('dry-run-result');
    out.replaceChildren(el('p', 'Evaluating…'));
    try {
      const response = await api('/api/routing/evaluate', {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: $('dry-run-input').value
      });
      if (!response.ok) {
        out.replaceChildren(el('p', await problemText(response), 'error problem'));
        return;
      }
      showEvaluation(await response.json(), out);
    } catch (e) {
      if (!(e instanceof SignInNeeded)) {
        out.replaceChildren(el('p', 'The dry run failed (' + e.message + ').', 'error'));
      }
    }
  }

  function showEvaluation(evaluation, out) {
    const parts = [];
    const rules = evaluation.rules || [];
    parts.push(el('p', rules.length === 0
      ? 'No rule fires for result ' + evaluation.resultId + ' (' + evaluation.outputFormat + ').'
      : rules.length + (rules.length === 1 ? ' rule fires' : ' rules fire') + ' for result ' + evaluation.resultId
        + ' (' + evaluation.outputFormat + (evaluation.label ? ', label ' + evaluation.label : '') + '):',
      'summary'));
    if (rules.length) {
      const list = el('ul');
      list.className = 'fired';
      rules.forEach((fired) => {
        const item = el('li');
        item.dataset.rule = fired.rule;
        item.appendChild(el('strong', fired.rule));
        const actions = el('ul');
        (fired.actions || []).forEach((action) => {
          const entry = el('li');
          entry.dataset.action = action.type;
          if (action.error) {
            entry.appendChild(el('span', action.type + ': error: ' + action.error, 'error'));
          } else {
            const targets = (action.records || []).map((r) => 'topic ' + r.topic + ' (key ' + r.key + ')')
              .concat((action.webhooks || []).map((w) => 'webhook ' + w));
            entry.appendChild(el('span', action.type + (targets.length ? ' → ' + targets.join(', ') : '')));
            (action.records || []).forEach((r) => entry.appendChild(el('pre', JSON.stringify(r.value, null, 2))));
          }
          actions.appendChild(entry);
        });
        item.appendChild(actions);
        list.appendChild(item);
      });
      parts.push(list);
    }
    out.replaceChildren(...parts);
  }

  // --- Wiring ----------------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('hint-filter').addEventListener('submit', applyFilter);
    $('dead-letters-refresh').addEventListener('click', loadDeadLetters);
    $('dry-run').addEventListener('submit', dryRun);
    start();
  });
}());
