#!/usr/bin/env node
/*
 * What one wake-up costs on this machine: a trivial HTTP round trip (client and server in this one
 * process, keep-alive) at a fixed rate, and a bare timer, in ms of CPU each (process.cpuUsage).
 * Warmed up first at 1,000/s, so V8 has optimised the path. A round trip that costs several times
 * more at 50/s than at 1,000/s is paying for the process falling idle and waking between requests,
 * not for its work: the same tax every service here pays per message under a light load.
 *
 *   node lab/scripts/wakeup-cost.js [seconds per step, default 5]
 */
'use strict';
const http = require('node:http');

const seconds = Number(process.argv[2] ?? 5);
const ms = (usage, n) => ((usage.user + usage.system) / 1000 / n).toFixed(3);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end('{"id":1}');
  });
});

function atRate(agent, port, rate) {
  const n = rate * seconds;
  const before = process.cpuUsage();
  return new Promise((resolve) => {
    let sent = 0;
    let done = 0;
    const tick = () => {
      if (sent >= n) return;
      sent += 1;
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          done += 1;
          if (done === n) resolve(ms(process.cpuUsage(before), n));
        });
      });
      req.end('{"title":"t"}');
      setTimeout(tick, 1000 / rate);
    };
    tick();
  });
}

function timers(rate) {
  const n = rate * seconds;
  const before = process.cpuUsage();
  return new Promise((resolve) => {
    let i = 0;
    const tick = () => (++i >= n ? resolve(ms(process.cpuUsage(before), n)) : setTimeout(tick, 1000 / rate));
    tick();
  });
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const agent = new http.Agent({ keepAlive: true });
  await atRate(agent, port, 1000); // warm-up, not reported
  for (const rate of [1000, 200, 50])
    console.log(`HTTP round trip at ${rate}/s: ${await atRate(agent, port, rate)} ms of CPU each`);
  console.log(`bare timer at 50/s: ${await timers(50)} ms of CPU each`);
  agent.destroy();
  server.close();
});
