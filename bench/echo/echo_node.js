// The echo benchmark's Node.js server (bench/echo.py): the net module, a 'data' handler per
// connection, the usual pick for an I/O-bound server. Listens on 127.0.0.1, an ephemeral
// port, prints "port N" and serves until killed. (Node raises its descriptor limit itself.)
'use strict';
const net = require('net');

const server = net.createServer((socket) => {
  socket.on('data', (data) => socket.write(data));
  socket.on('error', () => socket.destroy());  // the peer went away: the connection is done
});
server.listen({host: '127.0.0.1', port: 0, backlog: 4096}, () => {
  console.log(`port ${server.address().port}`);
});
