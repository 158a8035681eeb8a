export const AUTH_GRPC = 'AUTH_GRPC';
