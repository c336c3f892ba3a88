-- +goose Up
-- +goose StatementBegin
CREATE TABLE users (
  id integer PRIMARY KEY,
  name varchar(100) NOT NULL
);
-- +goose StatementEnd
INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');

-- +goose Down
DROP TABLE users;
