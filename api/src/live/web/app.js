// The live page: plain browser JavaScript, served as it is (no build step). It talks to the API it
// came from: POST /files, GET /files/:id/events (server-sent events), /files/:id/timeline, /pipeline.
'use strict';

const stored = 'fileflow.files';
const ended = new Set(['completed', 'failed']);
/** Nothing more will happen to it: expired, or an attempt's end with no deletion under way. */
const isFinal = (file) => file.status === 'expired' || (ended.has(file.status) && !file.deletionRequestedAt);
const stepNames = {
  committed: 'committed (API transaction)',
  published: 'published to Kafka',
  processing: 'picked up by the processor',
  uploaded: 'uploaded to S3',
  completed: 'completed',
  failed: 'failed',
  expired: 'expired (object deleted)',
};

const $ = (id) => document.getElementById(id);
const ids = () => JSON.parse(localStorage.getItem(stored) || '[]');
const remember = (id) =>
  localStorage.setItem(stored, JSON.stringify([id, ...ids().filter((x) => x !== id)].slice(0, 20)));
const time = (iso) =>
  new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hour12: false,
  });

function item(id) {
  let li = $(`file-${id}`);
  if (li) return li;
  li = document.createElement('li');
  li.id = `file-${id}`;
  li.innerHTML =
    '<div class="file-head"><strong class="name"></strong>' +
    '<span>status: <span class="status" role="status" aria-live="polite"></span></span>' +
    '<span class="format"></span><span class="attempt"></span><a class="content" hidden>Open its content</a>' +
    '<button type="button" class="delete" hidden>Delete</button></div>' +
    '<p class="error" hidden></p><ol class="timeline" aria-label="Journey"></ol>';
  li.querySelector('.name').textContent = `#${id}`;
  li.querySelector('.delete').addEventListener('click', () => void remove(id));
  $('files').prepend(li);
  $('no-files').hidden = true;
  return li;
}

function show(file) {
  const li = item(file.id);
  li.querySelector('.name').textContent = `#${file.id} ${file.title}`;
  const status = li.querySelector('.status');
  status.textContent = file.status;
  status.className = `status status-${file.status}`;
  li.querySelector('.attempt').textContent = file.attempt > 1 ? `attempt ${file.attempt}` : '';
  li.querySelector('.format').textContent = file.format ? file.format.toUpperCase() : '';
  const content = li.querySelector('.content');
  content.hidden = file.status !== 'completed' || Boolean(file.deletionRequestedAt);
  const del = li.querySelector('.delete');
  del.hidden = file.status === 'expired' || Boolean(file.deletionRequestedAt);
  del.setAttribute('aria-label', `Delete file #${file.id}`);
  content.href = `/files/${file.id}/content`;
  const error = li.querySelector('.error');
  error.hidden = !file.error;
  error.textContent = file.error ? `Why: ${file.error}` : '';
  if (isFinal(file)) {
    void timeline(file.id);
    void health();
  }
}

/** Ask for a file's deletion, then follow it to `expired`. */
async function remove(id) {
  const li = item(id);
  li.querySelector('.delete').disabled = true;
  try {
    const res = await fetch(`/files/${id}`, { method: 'DELETE' });
    if (res.status === 202) follow(id);
  } finally {
    li.querySelector('.delete').disabled = false;
  }
}

async function timeline(id) {
  const res = await fetch(`/files/${id}/timeline`);
  if (!res.ok) return;
  const { steps } = await res.json();
  const ol = item(id).querySelector('.timeline');
  const start = steps.length ? Date.parse(steps[0].at) : 0;
  ol.replaceChildren(
    ...steps.map((s) => {
      const li = document.createElement('li');
      const after = Date.parse(s.at) - start;
      li.textContent = `${time(s.at)}${after > 0 ? ` (+${after} ms)` : ''}: ${stepNames[s.step] || s.step}`;
      return li;
    }),
  );
}

/** Follow a file's status until it is final (the browser reconnects a stream that ends early). */
function follow(id) {
  const events = new EventSource(`/files/${id}/events`);
  events.addEventListener('status', (e) => {
    const file = JSON.parse(e.data);
    show(file);
    if (isFinal(file)) events.close();
  });
  events.onerror = async () => {
    // A 404 (the file is not this browser's owner's, or gone) ends the stream for good.
    const res = await fetch(`/files/${id}`);
    if (res.status === 404) {
      events.close();
      item(id).remove();
    }
  };
}

async function submit(e) {
  e.preventDefault();
  const form = e.currentTarget;
  const button = $('submit');
  const error = $('form-error');
  error.textContent = '';
  const title = $('title').value;
  if (!title.trim()) {
    error.textContent = 'A title is required.';
    $('title').focus();
    return;
  }
  button.disabled = true;
  try {
    const res = await fetch('/files', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ title, description: $('description').value, format: $('format').value }),
    });
    const body = await res.json();
    if (res.status !== 202) {
      error.textContent = body.errors ? body.errors.map((x) => x.message).join('; ') : body.detail || body.title;
      return;
    }
    remember(body.id);
    show({ id: body.id, title, status: body.status, attempt: 1, error: null, format: $('format').value });
    follow(body.id);
    form.reset();
    $('title').focus();
  } catch {
    error.textContent = 'The API could not be reached; try again.';
  } finally {
    button.disabled = false;
  }
}

async function health() {
  try {
    const res = await fetch('/pipeline');
    if (!res.ok) return;
    const p = await res.json();
    $('h-backlog').textContent = `${p.outbox.backlog} rows`;
    $('h-age').textContent = `${p.outbox.oldestAgeSeconds.toFixed(1)} s`;
    $('h-lag').textContent = `${p.statusConsumer.lag} records`;
    $('h-dead').textContent = `${p.outboxDeadLetters + p.statusConsumer.deadLetters}`;
    $('h-files').textContent = Object.entries(p.files)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    $('h-failures').replaceChildren(
      ...(p.recentFailures.length
        ? p.recentFailures.map((f) => {
            const li = document.createElement('li');
            li.textContent = `#${f.id} at ${time(f.at)}: ${f.error || 'no reason recorded'}`;
            return li;
          })
        : [Object.assign(document.createElement('li'), { textContent: 'None in the last 24 hours.' })]),
    );
    $('health').setAttribute('aria-busy', 'false');
  } catch {
    // the next round tries again
  }
}

$('new-file').addEventListener('submit', submit);
for (const id of ids().slice().reverse()) {
  fetch(`/files/${id}`)
    .then((r) => (r.ok ? r.json() : undefined))
    .then((file) => {
      if (!file) return;
      show(file);
      if (!isFinal(file)) follow(id);
    })
    .catch(() => undefined);
}
void health();
setInterval(health, 5000);
