-- bellows:up
CREATE TABLE t (a int);
INSERT INTO t VALUES (1);
-- bellows:down
DROP TABLE t;
