function [xSD, xOpt, trainErr, valErr] = coursePeaksNewtonCG(Y, C, Yv, Cv, K0, b0, W0, maxIterSD, maxIterNewton, maxIterCG)
% Our driver (not part of the course): the training steps of the course's
% ESingleLayer_PeaksNewtonCG.m, run on data and a start passed in from Python
% (the random generators of Octave and numpy differ), without its figures.
% The course's settings are written out here; only the iteration counts are
% arguments (500, 50 and 200 CG steps in the course), so that a test can run a
% short version.
%
% Inputs in the course's layout: Y nf x n, C nc x n, K0 m x nf, b0 scalar, W0 nc x (m+1).
% Outputs: xSD (after steepest descent), xOpt (after Newton-CG), both
% [K(:); b; W(:)] of the course's K and W, and the errors in percent.
m = size(K0, 1);
paramReg = struct('L', 1, 'lambda', 1e-4, 'nc', 1);     % the course's regulariser (all of x)
paramSL  = struct('act', @sinActivation);               % the course's activation here
fctn = @(x, varargin) singleLayerNNObjFun(x, Y, C, m, paramSL, paramReg);

xSD  = steepestDescent(fctn, [K0(:); b0(:); W0(:)], struct('maxIter', maxIterSD, 'maxStep', 1));
xOpt = newtoncg(fctn, xSD(:), struct('maxIter', maxIterNewton, 'maxStep', 1, 'tolCG', 1e-6, 'maxIterCG', maxIterCG));
[trainErr, valErr] = coursePeaksErrors(xOpt, m, paramSL, Y, C, Yv, Cv);
end
