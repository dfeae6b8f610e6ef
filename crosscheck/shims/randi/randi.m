function r = randi(imax, rows, cols)
% r = randi(imax, rows, cols): replays the draws of our Python run (crosscheck shim, ours).
%
% On Octave's path only during the setupPeaks comparison (CourseSession.replaying).
% The course's setupPeaks.m calls randi(size(xk,1), npc, 1) once per class. Each
% call returns the next column of the global queue NUMDL_CROSSCHECK_RANDI (1-based
% indices into the class's grid points, in MATLAB's column-major order), or, with
% NUMDL_CROSSCHECK_RANDI_ENUMERATE true, 1..imax followed by imax repeated (every
% grid point of the class once). It logs each imax in NUMDL_CROSSCHECK_RANDI_IMAX.
% It never draws: with nothing queued, or draws outside 1..imax, it errors.
global NUMDL_CROSSCHECK_RANDI NUMDL_CROSSCHECK_RANDI_IMAX NUMDL_CROSSCHECK_RANDI_ENUMERATE
if nargin ~= 3 || ~isscalar(imax)
  error('randi replay shim: only randi(imax, rows, cols) is replayed');
end
NUMDL_CROSSCHECK_RANDI_IMAX(end+1) = imax;
if NUMDL_CROSSCHECK_RANDI_ENUMERATE
  if rows*cols < imax
    error('randi replay shim: enumerating %d candidates needs at least %d draws, %d asked', imax, imax, rows*cols);
  end
  r = reshape(min((1:rows*cols)', imax), rows, cols);
  return
end
Q = NUMDL_CROSSCHECK_RANDI;
if isempty(Q)
  error('randi replay shim: randi(%d, %d, %d) called with no draws queued', imax, rows, cols);
end
if size(Q, 1) ~= rows*cols
  error('randi replay shim: randi(%d, %d, %d) called, but %d draws are queued per call', imax, rows, cols, size(Q, 1));
end
r = reshape(Q(:, 1), rows, cols);
if any(r(:) < 1 | r(:) > imax | r(:) ~= round(r(:)))
  error('randi replay shim: queued draws outside 1..%d', imax);
end
NUMDL_CROSSCHECK_RANDI = Q(:, 2:end);
end
