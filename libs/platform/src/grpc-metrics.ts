import { InterceptingCall, ServerInterceptingCall, status, type Interceptor, type ServerInterceptor } from '@grpc/grpc-js';
import { HTTP_DURATION_BUCKETS, metricPrefix, registeredHistogram } from '@chat4all/telemetry';

// RED metrics of gRPC, from grpc-js interceptors: every call of a server or of a client built from
// grpc-options.ts passes through them, whatever Nest does above. `method` is the RPC's path
// (`chat4all.auth.v1.AuthService/IssueToken`): grpc-js runs interceptors only for registered methods,
// so an unknown path cannot add series. `code` is the status name (OK, NOT_FOUND, ...).

/** The status name of a gRPC code (`UNKNOWN` for a code outside the standard ones). */
export const grpcCodeName = (code: number): string => (code in status ? status[code] : 'UNKNOWN');

const methodOf = (path: string): string => path.replace(/^\//, '');

export function grpcServerMetrics(service: string): ServerInterceptor {
  const histogram = registeredHistogram({
    name: `${metricPrefix(service)}_grpc_server_duration_seconds`,
    help: 'gRPC calls this app served: from the call arriving to its status being sent, by method and status code',
    labelNames: ['method', 'code'],
    buckets: HTTP_DURATION_BUCKETS,
  });
  return (definition, call) => {
    const end = histogram.startTimer({ method: methodOf(definition.path) });
    let ended = false;
    const finish = (code: number) => {
      if (ended) return;
      ended = true;
      end({ code: grpcCodeName(code) });
    };
    return new ServerInterceptingCall(call, {
      // A caller that gives up (deadline, cancellation) gets no status from the handler.
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (sent, next) => {
        finish(sent.code);
        next(sent);
      },
    });
  };
}

export function grpcClientMetrics(service: string): Interceptor {
  const histogram = registeredHistogram({
    name: `${metricPrefix(service)}_grpc_client_duration_seconds`,
    help: 'gRPC calls this app made: from the call starting to its status arriving, by method and status code',
    labelNames: ['method', 'code'],
    buckets: HTTP_DURATION_BUCKETS,
  });
  return (options, nextCall) => {
    const end = histogram.startTimer({ method: methodOf(options.method_definition.path) });
    return new InterceptingCall(nextCall(options), {
      start: (metadata, _listener, next) =>
        next(metadata, {
          onReceiveStatus: (received, nextStatus) => {
            end({ code: grpcCodeName(received.code) });
            nextStatus(received);
          },
        }),
    });
  };
}
