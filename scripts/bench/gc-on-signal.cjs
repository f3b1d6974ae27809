// Preloaded (`node --expose-gc --require`) into the processes bench:streams measures: SIGUSR2 runs a full garbage
// collection, so that a heap sample counts what is live, not what is waiting to be collected.
process.on('SIGUSR2', () => global.gc());
