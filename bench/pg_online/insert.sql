\set v random(1, 1000000)
INSERT INTO items (qty, label) VALUES (:v, left(md5(:v::text), 8 + :v % 25));
