export * from './config/profile';
