'use strict';
// One callback from each place the loop runs JavaScript, scheduled from inside an I/O callback
// (poll phase), where the order is fully determined.
//
//   node examples/01-phase-tour.js
const fs = require('fs');
const net = require('net');

const server = net.createServer((s) => s.on('error', () => {}));
server.listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    console.log('main script done; loop running');
    fs.stat(__filename, () => {
      console.log('[poll]    fs.stat callback (a thread-pool result delivered by the poll phase)');
      setTimeout(() => {
        console.log('[timers]  setTimeout 0 (next loop iteration)');
        server.close();
      }, 0);
      setImmediate(() => console.log('[check]   setImmediate'));
      client.on('close', () => console.log('[close]   socket "close" event (uv_close callback)'));
      client.destroy();
      Promise.resolve().then(() => console.log('[micro]   promise reaction, right after the fs.stat callback'));
      process.nextTick(() => console.log('[tick]    nextTick, right after the fs.stat callback'));
      console.log('[poll]    fs.stat callback returns');
    });
  });
});
