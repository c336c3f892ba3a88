-- the application's name, kept current on every deploy
DROP VIEW IF EXISTS app_info;
CREATE VIEW app_info AS SELECT 'shop' AS app;
