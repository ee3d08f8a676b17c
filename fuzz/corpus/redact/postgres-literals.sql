UPDATE t SET a = E'it\'s', b = $q$x$q$, c = 1_000, d = U&'d\0061t' -- c
WHERE e = X'1F' AND f = .5e3