"""Right answers to lesson 04's exercises in other forms: any shuffle that comes from the rng given."""

LESSON = "04_batches_and_training"

_CUT = "    return [order[i:i + batch_size] for i in range(0, m, batch_size)]\n"

CASES = [
    dict(exercise="minibatches", bug="rng.shuffle of an arange", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = np.arange(m)\n    rng.shuffle(order)\n" + _CUT),
    dict(exercise="minibatches", bug="rng.choice without replacement", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = rng.choice(m, size=m, replace=False)\n" + _CUT),
    dict(exercise="minibatches", bug="argsort of uniform keys, a tuple of lists", passes=["test_minibatches"],
         source="def minibatches(m, batch_size, rng):\n    order = np.argsort(rng.random(m)).tolist()\n"
                "    return tuple(order[i:i + batch_size] for i in range(0, m, batch_size))\n"),
]
