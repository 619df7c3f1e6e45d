/**
 * The numbers zeromq.js's v5 API exports: libzmq's socket types, option
 * numbers, send flags, poll bits, and its own socket states and capability
 * flags.
 *
 * @module
 */

// Socket types.
/** libzmq's socket type ZMQ_PAIR. */
export const ZMQ_PAIR = 0;
/** libzmq's socket type ZMQ_PUB. */
export const ZMQ_PUB = 1;
/** libzmq's socket type ZMQ_SUB. */
export const ZMQ_SUB = 2;
/** libzmq's socket type ZMQ_REQ. */
export const ZMQ_REQ = 3;
/** libzmq's socket type ZMQ_REP. */
export const ZMQ_REP = 4;
/** libzmq's socket type ZMQ_DEALER. */
export const ZMQ_DEALER = 5;
/** libzmq's socket type ZMQ_XREQ. */
export const ZMQ_XREQ = 5;
/** libzmq's socket type ZMQ_ROUTER. */
export const ZMQ_ROUTER = 6;
/** libzmq's socket type ZMQ_XREP. */
export const ZMQ_XREP = 6;
/** libzmq's socket type ZMQ_PULL. */
export const ZMQ_PULL = 7;
/** libzmq's socket type ZMQ_PUSH. */
export const ZMQ_PUSH = 8;
/** libzmq's socket type ZMQ_XPUB. */
export const ZMQ_XPUB = 9;
/** libzmq's socket type ZMQ_XSUB. */
export const ZMQ_XSUB = 10;
/** libzmq's socket type ZMQ_STREAM. */
export const ZMQ_STREAM = 11;

// Socket options.
/** libzmq's socket option ZMQ_AFFINITY. */
export const ZMQ_AFFINITY = 4;
/** libzmq's socket option ZMQ_IDENTITY. */
export const ZMQ_IDENTITY = 5;
/** libzmq's socket option ZMQ_SUBSCRIBE. */
export const ZMQ_SUBSCRIBE = 6;
/** libzmq's socket option ZMQ_UNSUBSCRIBE. */
export const ZMQ_UNSUBSCRIBE = 7;
/** libzmq's socket option ZMQ_RATE. */
export const ZMQ_RATE = 8;
/** libzmq's socket option ZMQ_RECOVERY_IVL. */
export const ZMQ_RECOVERY_IVL = 9;
/** libzmq's socket option ZMQ_RECOVERY_IVL_MSEC. */
export const ZMQ_RECOVERY_IVL_MSEC = 9;
/** libzmq's socket option ZMQ_SNDBUF. */
export const ZMQ_SNDBUF = 11;
/** libzmq's socket option ZMQ_RCVBUF. */
export const ZMQ_RCVBUF = 12;
/** libzmq's socket option ZMQ_RCVMORE. */
export const ZMQ_RCVMORE = 13;
/** libzmq's socket option ZMQ_FD. */
export const ZMQ_FD = 14;
/** libzmq's socket option ZMQ_EVENTS. */
export const ZMQ_EVENTS = 15;
/** libzmq's socket option ZMQ_TYPE. */
export const ZMQ_TYPE = 16;
/** libzmq's socket option ZMQ_LINGER. */
export const ZMQ_LINGER = 17;
/** libzmq's socket option ZMQ_RECONNECT_IVL. */
export const ZMQ_RECONNECT_IVL = 18;
/** libzmq's socket option ZMQ_BACKLOG. */
export const ZMQ_BACKLOG = 19;
/** libzmq's socket option ZMQ_RECONNECT_IVL_MAX. */
export const ZMQ_RECONNECT_IVL_MAX = 21;
/** libzmq's socket option ZMQ_MAXMSGSIZE. */
export const ZMQ_MAXMSGSIZE = 22;
/** libzmq's socket option ZMQ_SNDHWM. */
export const ZMQ_SNDHWM = 23;
/** libzmq's socket option ZMQ_RCVHWM. */
export const ZMQ_RCVHWM = 24;
/** libzmq's socket option ZMQ_MULTICAST_HOPS. */
export const ZMQ_MULTICAST_HOPS = 25;
/** libzmq's socket option ZMQ_RCVTIMEO. */
export const ZMQ_RCVTIMEO = 27;
/** libzmq's socket option ZMQ_SNDTIMEO. */
export const ZMQ_SNDTIMEO = 28;
/** libzmq's socket option ZMQ_IPV4ONLY. */
export const ZMQ_IPV4ONLY = 31;
/** libzmq's socket option ZMQ_LAST_ENDPOINT. */
export const ZMQ_LAST_ENDPOINT = 32;
/** libzmq's socket option ZMQ_ROUTER_MANDATORY. */
export const ZMQ_ROUTER_MANDATORY = 33;
/** libzmq's socket option ZMQ_TCP_KEEPALIVE. */
export const ZMQ_TCP_KEEPALIVE = 34;
/** libzmq's socket option ZMQ_TCP_KEEPALIVE_CNT. */
export const ZMQ_TCP_KEEPALIVE_CNT = 35;
/** libzmq's socket option ZMQ_TCP_KEEPALIVE_IDLE. */
export const ZMQ_TCP_KEEPALIVE_IDLE = 36;
/** libzmq's socket option ZMQ_TCP_KEEPALIVE_INTVL. */
export const ZMQ_TCP_KEEPALIVE_INTVL = 37;
/** libzmq's socket option ZMQ_TCP_ACCEPT_FILTER. */
export const ZMQ_TCP_ACCEPT_FILTER = 38;
/** libzmq's socket option ZMQ_DELAY_ATTACH_ON_CONNECT. */
export const ZMQ_DELAY_ATTACH_ON_CONNECT = 39;
/** libzmq's socket option ZMQ_XPUB_VERBOSE. */
export const ZMQ_XPUB_VERBOSE = 40;
/** libzmq's socket option ZMQ_ROUTER_RAW. */
export const ZMQ_ROUTER_RAW = 41;
/** libzmq's socket option ZMQ_IPV6. */
export const ZMQ_IPV6 = 42;
/** libzmq's socket option ZMQ_MECHANISM. */
export const ZMQ_MECHANISM = 43;
/** libzmq's socket option ZMQ_PLAIN_SERVER. */
export const ZMQ_PLAIN_SERVER = 44;
/** libzmq's socket option ZMQ_PLAIN_USERNAME. */
export const ZMQ_PLAIN_USERNAME = 45;
/** libzmq's socket option ZMQ_PLAIN_PASSWORD. */
export const ZMQ_PLAIN_PASSWORD = 46;
/** libzmq's socket option ZMQ_CURVE_SERVER. */
export const ZMQ_CURVE_SERVER = 47;
/** libzmq's socket option ZMQ_CURVE_PUBLICKEY. */
export const ZMQ_CURVE_PUBLICKEY = 48;
/** libzmq's socket option ZMQ_CURVE_SECRETKEY. */
export const ZMQ_CURVE_SECRETKEY = 49;
/** libzmq's socket option ZMQ_CURVE_SERVERKEY. */
export const ZMQ_CURVE_SERVERKEY = 50;
/** libzmq's socket option ZMQ_ZAP_DOMAIN. */
export const ZMQ_ZAP_DOMAIN = 55;
/** libzmq's socket option ZMQ_ROUTER_HANDOVER. */
export const ZMQ_ROUTER_HANDOVER = 56;
/** libzmq's socket option ZMQ_HEARTBEAT_IVL. */
export const ZMQ_HEARTBEAT_IVL = 75;
/** libzmq's socket option ZMQ_HEARTBEAT_TTL. */
export const ZMQ_HEARTBEAT_TTL = 76;
/** libzmq's socket option ZMQ_HEARTBEAT_TIMEOUT. */
export const ZMQ_HEARTBEAT_TIMEOUT = 77;
/** libzmq's socket option ZMQ_CONNECT_TIMEOUT. */
export const ZMQ_CONNECT_TIMEOUT = 79;

// Context options.
/** libzmq's context option ZMQ_IO_THREADS. */
export const ZMQ_IO_THREADS = 1;
/** libzmq's context option ZMQ_MAX_SOCKETS. */
export const ZMQ_MAX_SOCKETS = 2;

// Send flags, poll bits.
/** libzmq's send flag: more parts of this message follow. */
export const ZMQ_SNDMORE = 2;
/** libzmq's poll bit ZMQ_POLLIN. */
export const ZMQ_POLLIN = 1;
/** libzmq's poll bit ZMQ_POLLOUT. */
export const ZMQ_POLLOUT = 2;
/** libzmq's poll bit ZMQ_POLLERR. */
export const ZMQ_POLLERR = 4;

// zeromq.js's v5 socket states and capability flags.
/** zeromq.js 5's socket state READY. */
export const STATE_READY = 0;
/** zeromq.js 5's socket state BUSY. */
export const STATE_BUSY = 1;
/** zeromq.js 5's socket state CLOSED. */
export const STATE_CLOSED = 2;
/** zeromq.js 5's capability flag ZMQ_CAN_MONITOR. */
export const ZMQ_CAN_MONITOR = 1;
/** zeromq.js 5's capability flag ZMQ_CAN_DISCONNECT. */
export const ZMQ_CAN_DISCONNECT = 1;
/** zeromq.js 5's capability flag ZMQ_CAN_UNBIND. */
export const ZMQ_CAN_UNBIND = 1;
/** zeromq.js 5's capability flag ZMQ_CAN_SET_CTX. */
export const ZMQ_CAN_SET_CTX = 1;
