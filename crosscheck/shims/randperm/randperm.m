function p = randperm(n)
% p = randperm(n): replays the permutations of our Python run (crosscheck shim, ours).
%
% On Octave's path only during the sgd comparison (CourseSession.replaying). Each
% call returns the next column of the global queue NUMDL_CROSSCHECK_RANDPERM as a
% row (1-based), the permutation our sgd drew for that epoch with
% np.random.default_rng(seed).permutation(n) (plus one). It never draws: with
% nothing queued, or a queued column that is not a permutation of 1..n, it errors.
global NUMDL_CROSSCHECK_RANDPERM
Q = NUMDL_CROSSCHECK_RANDPERM;
if nargin ~= 1
  error('randperm replay shim: called as randperm(n, ...); only randperm(n) is replayed');
end
if isempty(Q)
  error('randperm replay shim: randperm(%d) called with no permutation queued', n);
end
p = Q(:, 1)';
if numel(p) ~= n || ~isequal(sort(p), 1:n)
  error('randperm replay shim: randperm(%d) called, but the queued column is not a permutation of 1..%d', n, n);
end
NUMDL_CROSSCHECK_RANDPERM = Q(:, 2:end);
end
