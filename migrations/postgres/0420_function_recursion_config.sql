-- A function's recursive loop setting (PutFunctionRecursionConfig): NULL is Lambda's default, Terminate.
ALTER TABLE functions ADD COLUMN recursive_loop TEXT;
