# MySQL client script: procedures and triggers between DELIMITER lines
DELIMITER $$
CREATE PROCEDURE fill(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO t (x, note) VALUES (i, 'it\'s ; here');
    SET i = i + 1;
  END WHILE;
  IF n > 10 THEN SELECT "big;"; ELSE SELECT IF(n, 1, 2); END IF;
END$$
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
BEGIN
  SET NEW.x = NEW.x + 1; -- comment; with semicolon
END $$
DELIMITER //
CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1//
DELIMITER ;
/*!40101 SET NAMES utf8mb4 */;
SELECT 1--2;
SELECT `weird;name` FROM `t`;
