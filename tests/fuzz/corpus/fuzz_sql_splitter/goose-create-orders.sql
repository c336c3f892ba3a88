-- +goose NO TRANSACTION
-- +goose Up
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL, total integer NOT NULL);
CREATE INDEX orders_user_idx ON orders (user_id);
INSERT INTO orders (id, user_id, total) VALUES (1, 1, 250);

-- +goose Down
DROP TABLE orders;
