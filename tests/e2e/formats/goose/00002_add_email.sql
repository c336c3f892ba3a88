-- +goose Up
ALTER TABLE users ADD COLUMN email varchar(200);

-- +goose Down
ALTER TABLE users DROP COLUMN email;
