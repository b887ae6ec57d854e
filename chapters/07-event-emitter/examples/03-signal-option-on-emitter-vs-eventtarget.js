'use strict';
// EventTarget#addEventListener honours { signal }. EventEmitter#on has no
// options parameter: a third argument is silently ignored. The AbortSignal
// -aware tools for emitters are events.once / events.on / events.addAbortListener.
const events = require('node:events');
const { EventEmitter, once, on } = events;

(async () => {
  const emitter = new EventEmitter();
  const ac1 = new AbortController();
  emitter.on('tick', () => console.log('  EventEmitter listener still ran'), { signal: ac1.signal });
  ac1.abort();
  console.log(`EventEmitter: after abort, listenerCount('tick') = ${emitter.listenerCount('tick')}`);
  emitter.emit('tick');

  const target = new EventTarget();
  const ac2 = new AbortController();
  target.addEventListener('tick', () => console.log('  EventTarget listener ran (not expected)'), { signal: ac2.signal });
  ac2.abort();
  target.dispatchEvent(new Event('tick'));
  console.log('EventTarget: after abort, dispatchEvent ran no listener');

  // events.once: resolves on the event, rejects on 'error' or abort, and
  // removes its listeners in every case.
  const ac3 = new AbortController();
  const waiting = once(emitter, 'ready', { signal: ac3.signal });
  console.log(`events.once pending: 'ready' listeners=${emitter.listenerCount('ready')}, 'error' listeners=${emitter.listenerCount('error')}`);
  ac3.abort();
  try { await waiting; } catch (err) {
    console.log(`events.once aborted (${err.name}); 'ready' listeners=${emitter.listenerCount('ready')}, 'error' listeners=${emitter.listenerCount('error')}`);
  }

  // events.on: async iterator; abort ends the loop and removes the listener.
  const ac4 = new AbortController();
  setTimeout(() => { emitter.emit('tick', 1); emitter.emit('tick', 2); ac4.abort(); }, 5);
  try {
    for await (const [n] of on(emitter, 'tick', { signal: ac4.signal })) console.log(`  events.on yielded ${n}`);
  } catch (err) {
    console.log(`events.on loop ended by ${err.name}; 'tick' listeners=${emitter.listenerCount('tick')} (the one added with ignored {signal})`);
  }

  // Removing a plain .on listener with a signal, by hand:
  const ac5 = new AbortController();
  const onMsg = () => {};
  emitter.on('msg', onMsg);
  ac5.signal.addEventListener('abort', () => emitter.off('msg', onMsg), { once: true });
  ac5.abort();
  console.log(`manual off() on abort: 'msg' listeners=${emitter.listenerCount('msg')}`);
})();
