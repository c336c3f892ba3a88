\set id random(1, :nrows)
SELECT id, qty, label FROM items WHERE id = :id;
