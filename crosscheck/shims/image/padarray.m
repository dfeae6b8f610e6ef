function B = padarray(A, padsize, padval, direction)
% B = padarray(A, padsize, padval, direction): the calls the course makes of the
% image package's padarray (crosscheck shim, ours; Octave's core has no padarray).
%
% The course pads Z with a row of ones for the classifier bias,
% padarray(Z, [1 0], 1, 'post'), and an image with zeros, padarray(dY, [1 1], 0, 'post').
% Supported: a numeric or logical A with up to 2 dimensions, padsize [rows cols] of
% non-negative integers, a numeric scalar padval (default 0), direction 'post',
% 'pre' or 'both' (default). Anything else is an error, never a guess.
if nargin < 3, padval = 0; end
if nargin < 4, direction = 'both'; end
if ndims(A) > 2 || ~(isnumeric(A) || islogical(A))
  error('padarray shim: A must be a numeric matrix, got a %s of %d dimensions', class(A), ndims(A));
end
if numel(padsize) ~= 2 || any(padsize < 0) || any(padsize ~= round(padsize))
  error('padarray shim: padsize must be [rows cols] of non-negative integers');
end
if ~(isnumeric(padval) && isscalar(padval))
  error('padarray shim: only a numeric scalar padval is supported (got a %s)', class(padval));
end
[r, c] = size(A);
switch direction
  case 'post', before = [0 0]; after = padsize(:)';
  case 'pre',  before = padsize(:)'; after = [0 0];
  case 'both', before = padsize(:)'; after = padsize(:)';
  otherwise, error('padarray shim: direction must be ''pre'', ''post'' or ''both'', got ''%s''', direction);
end
B = padval * ones(r + before(1) + after(1), c + before(2) + after(2), class(A));
B(before(1) + (1:r), before(2) + (1:c)) = A;
end
