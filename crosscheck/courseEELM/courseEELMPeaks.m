function [WOpt, trainErr, testErr] = courseEELMPeaks(Y, C, YTest, CTest, K, b, W0, actName, maxIter, maxIterCG)
% Our driver (not part of the course): the training steps of the course's
% EELM_Peaks.m for one activation, on data and random weights passed in from
% Python (the random generators of Octave and numpy differ), without its figures.
% As the course's script, W is trained on all of Y (its 80/20 split is unused)
% and the second error is on the separate test points. The course's settings are
% written out; the iteration counts (30 and 100 in the course) are arguments.
%
% Inputs in the course's layout: Y nf x n, C nc x n, K m x nf, b scalar,
% W0 nc x (m+1), actName 'sin', 'tanh' or 'relu' (the course's max(x,0)).
m  = size(K, 1);
nc = size(C, 1);
switch actName
    case 'sin',  act = @sin;
    case 'tanh', act = @tanh;
    case 'relu', act = @(x) max(x, 0);
    otherwise,   error('courseEELMPeaks: unknown activation %s', actName);
end
Z = act(K*Y + b);
paramRegW = struct('L', speye(numel(W0)), 'lambda', 1e-3);
fctn  = @(x, varargin) classObjFun(x, Z, C, paramRegW);
param = struct('maxIter', maxIter, 'maxStep', 1, 'tolCG', 1e-3, 'maxIterCG', maxIterCG);
WOpt  = reshape(newtoncg(fctn, W0(:), param), nc, m + 1);
trainErr = courseEELMError(WOpt, Z, C);
testErr  = courseEELMError(WOpt, act(K*YTest + b), CTest);
end
