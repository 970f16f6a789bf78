export { MysqlConnection, type OpenMysqlOptions } from './mysql-connection.js';
export { introspectMysql } from './mysql-introspect.js';
