-- migrate:up
ALTER TABLE users ADD COLUMN email varchar(200);

-- migrate:down
ALTER TABLE users DROP COLUMN email;
