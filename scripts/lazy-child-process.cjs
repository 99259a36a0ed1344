// Stands in for node:child_process inside the CLI bundle. commander requires it at start-up
// only to run executable subcommands, which edgewise does not have; loading it on first use
// keeps it (and the net, dgram and stream modules it pulls in) out of every run's start-up.
module.exports = new Proxy({}, { get: (_target, key) => require('child_process')[key] });
