CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
  NEW.updated_at := now(); -- ; inside
  RETURN NEW;
END
$body$ LANGUAGE plpgsql;
DO $$ BEGIN PERFORM 1; RAISE NOTICE 'a;b'; END $$;
/* outer /* nested ; */ still comment ; */
SELECT E'it\'s;', 'plain '' quote;', $x$ $y$ ; $y$ $x$, "quoted ""ident;";
CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
CREATE TABLE "t;" (a int[], b jsonb DEFAULT '{"k": ";"}'::jsonb);
SELECT 1 :: int, a || b FROM x; COMMENT ON TABLE t IS $$doc$$;
