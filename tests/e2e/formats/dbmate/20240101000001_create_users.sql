-- migrate:up
CREATE TABLE users (
  id integer PRIMARY KEY,
  name varchar(100) NOT NULL
);
INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob');

-- migrate:down
DROP TABLE users;
