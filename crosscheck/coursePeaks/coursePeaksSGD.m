function [xOpt, his, trainErr, valErr] = coursePeaksSGD(Y, C, Yv, Cv, K0, b0, W0, epochs)
% Our driver (not part of the course): the training steps of the course's
% ESingleLayer_PeaksSGD.m on data and a start passed in from Python, without its
% figures. The course's settings are written out; the number of epochs (50 in
% the course) is an argument. The objective ignores the batch indices sgd.m
% passes, as the course's does: every step uses the full gradient, so sgd.m's
% randperm shuffles have no effect on the result.
m = size(K0, 1);
paramReg = struct('L', 1, 'lambda', 1e-4, 'nc', 1);
paramSL  = struct('act', @sinActivation);
fctn = @(x, varargin) singleLayerNNObjFun(x, Y, C, m, paramSL, paramReg);

param = struct('lr', ones(epochs, 1), 'n', size(Y, 2), 'batchSize', 2, 'momentum', 0);
[xOpt, his] = sgd(fctn, [K0(:); b0(:); W0(:)], param);
[trainErr, valErr] = coursePeaksErrors(xOpt, m, paramSL, Y, C, Yv, Cv);
end
