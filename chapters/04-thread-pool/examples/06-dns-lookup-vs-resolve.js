'use strict';
// dns.lookup() is getaddrinfo(3) on a pool thread; dns.resolve*() is c-ares speaking the DNS
// protocol over a UDP socket watched by the event loop. A fake DNS server on 127.0.0.1 keeps
// this offline. With the pool saturated, only the first kind stalls, and so does every
// client that connects by host name.
//
//   node examples/06-dns-lookup-vs-resolve.js
const dns = require('dns');
const dgram = require('dgram');
const net = require('net');
const crypto = require('crypto');
const { performance } = require('perf_hooks');

// Minimal DNS responder: answers every A query with 10.1.2.3.
const udp = dgram.createSocket('udp4');
udp.on('message', (q, peer) => {
  let i = 12;
  while (q[i] !== 0) i += q[i] + 1;               // skip the QNAME labels
  const question = q.subarray(12, i + 5);          // QNAME + QTYPE + QCLASS
  const header = Buffer.from([q[0], q[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
  udp.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
});
const tcp = net.createServer((s) => s.end());

udp.bind(0, '127.0.0.1', () => tcp.listen(0, '127.0.0.1', main));

function main() {
  const resolver = new dns.Resolver();
  resolver.setServers([`127.0.0.1:${udp.address().port}`]);
  const port = tcp.address().port;
  const probes = {
    'dns.lookup("localhost")': (cb) => dns.lookup('localhost', (e, a) => cb(e, a)),
    'dns.lookup("127.0.0.1") (IP literal)': (cb) => dns.lookup('127.0.0.1', (e, a) => cb(e, a)),
    'resolver.resolve4("svc.test") (c-ares)': (cb) => resolver.resolve4('svc.test', (e, a) => cb(e, a && a[0])),
    'net.connect to "localhost"': (cb) => { const c = net.connect(port, 'localhost', () => { c.destroy(); cb(null, 'connected'); }); },
    'net.connect to "127.0.0.1"': (cb) => { const c = net.connect(port, '127.0.0.1', () => { c.destroy(); cb(null, 'connected'); }); },
  };

  const t0 = performance.now();
  let blockersDone = null;
  for (let i = 0; i < 4; i++) {
    crypto.pbkdf2('pw', 'salt', 400000, 64, 'sha512', () => { blockersDone ??= performance.now() - t0; });
  }
  const lines = [];
  let left = Object.keys(probes).length;
  for (const [name, probe] of Object.entries(probes)) {
    probe((err, result) => {
      lines.push(`${name.padEnd(40)} ${(performance.now() - t0).toFixed(1).padStart(7)} ms  ${err ? err.code : result}`);
      if (--left === 0) {
        console.log(`pool saturated by 4 pbkdf2 jobs; first one finished at ${blockersDone.toFixed(0)} ms`);
        console.log(lines.join('\n'));
        udp.close();
        tcp.close();
      }
    });
  }
}
